package io.isthmus.examples.common;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import io.isthmus.examples.ExampleFailure;
import io.isthmus.io.AtomicFiles;
import io.isthmus.kernels.Kernels;
import io.isthmus.train.History;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON a trainer writes with {@code --report}: its settings, one entry per epoch (1-based,
 * with every logged metric and the training seconds), the mean seconds per epoch and the final
 * test metrics. Keys keep their insertion order.
 */
public final class TrainingReport {

    // NaN losses (a diverged run) are reported as NaN rather than failing the report.
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
            .serializeNulls().create();

    private final Map<String, Object> fields = new LinkedHashMap<>();

    public TrainingReport() {
        fields.put("date", OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).toString());
        fields.put("backend", Kernels.describe().replaceFirst("^isthmus: ", ""));
    }

    public TrainingReport put(String key, Object value) {
        fields.put(key, value);
        return this;
    }

    /**
     * Per-epoch entries, their mean training seconds, and the mean without the first epoch of
     * this run (which carries the JIT's warm-up; absent when the run has one epoch).
     */
    public TrainingReport history(History history) {
        List<Map<String, Object>> epochs = new ArrayList<>();
        double seconds = 0;
        double first = Double.NaN;
        for (int i = 0; i < history.size(); i++) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("epoch", history.epochs().get(i) + 1);
            entry.putAll(history.logs().get(i));
            epochs.add(entry);
            double epochSeconds = history.logs().get(i).getOrDefault("seconds", Double.NaN);
            seconds += epochSeconds;
            if (i == 0) {
                first = epochSeconds;
            }
        }
        fields.put("history", epochs);
        fields.put("seconds_per_epoch", history.size() == 0 ? Double.NaN : seconds / history.size());
        if (history.size() > 1) {
            fields.put("seconds_per_epoch_after_first", (seconds - first) / (history.size() - 1));
        }
        return this;
    }

    public String toJson() {
        return GSON.toJson(fields);
    }

    public void write(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            AtomicFiles.write(file, toJson().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ExampleFailure("cannot write the report " + file.toAbsolutePath() + ": " + e, e);
        }
    }
}
