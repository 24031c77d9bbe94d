package io.isthmus.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.IllegalFormatException;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Saves a checkpoint after each epoch (Keras's ModelCheckpoint). The path pattern may name the
 * epoch and any logged metric with a format: {@code "ckpt/mlp-{epoch:02d}-{val_loss:.4f}.safetensors"}.
 * With {@code saveBestOnly}, saves only when the monitored metric improved. Full checkpoints
 * (weights, optimizer, epoch, history: resumable) unless {@code weightsOnly}.
 */
public final class ModelCheckpoint implements Callback {

    private static final Pattern FIELD = Pattern.compile("\\{(\\w+)(?::([^}]*))?}");

    private final String pathPattern;
    private final Monitor monitor;
    private final boolean saveBestOnly;
    private final boolean weightsOnly;
    private double best;
    private Path lastSaved;
    private int lastSavedEpoch = -1;

    public ModelCheckpoint(String pathPattern, String monitorMetric, String mode, boolean saveBestOnly,
                           boolean weightsOnly) {
        this.pathPattern = pathPattern;
        this.monitor = Monitor.of(monitorMetric, mode, 0);
        this.saveBestOnly = saveBestOnly;
        this.weightsOnly = weightsOnly;
    }

    /** Full checkpoints of the epochs that improve val_loss. */
    public static ModelCheckpoint bestOnValidationLoss(String pathPattern) {
        return new ModelCheckpoint(pathPattern, "val_loss", "min", true, false);
    }

    /** Starts from the best value in the trainer's history, so a resumed run does not save a worse epoch. */
    @Override
    public void onTrainBegin(Trainer trainer) {
        best = monitor.worst();
        for (Map<String, Double> logs : trainer.history().logs()) {
            Double value = logs.get(monitor.metric());
            if (value != null && monitor.improves(value, best)) {
                best = value;
            }
        }
    }

    @Override
    public void onEpochEnd(Trainer trainer, int epoch, Map<String, Double> logs) {
        if (saveBestOnly) {
            double current = monitor.value(logs);
            if (!monitor.improves(current, best)) {
                return;
            }
            best = current;
        }
        Path path = Path.of(expand(pathPattern, epoch, logs));
        try {
            if (weightsOnly) {
                trainer.model().save(path);
            } else {
                trainer.saveCheckpoint(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("ModelCheckpoint cannot write " + path.toAbsolutePath(), e);
        }
        lastSaved = path;
        lastSavedEpoch = epoch;
    }

    /**
     * Fills {@code {epoch}} (1-based, as Keras prints) and {@code {metric}} fields; a field may
     * carry a format after a colon ({@code 02d}, {@code .4f}).
     */
    static String expand(String pattern, int epoch, Map<String, Double> logs) {
        Matcher matcher = FIELD.matcher(pattern);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1);
            String format = matcher.group(2);
            Object value;
            if (name.equals("epoch")) {
                value = epoch + 1;
            } else {
                value = logs.get(name);
                if (value == null) {
                    throw new IllegalArgumentException("checkpoint path pattern '" + pattern + "' names '" + name
                            + "', which is not logged; available: epoch, " + logs.keySet());
                }
            }
            String text;
            try {
                text = String.format(Locale.ROOT, "%" + (format != null ? format : value instanceof Integer ? "d" : "f"), value);
            } catch (IllegalFormatException e) {
                throw new IllegalArgumentException("checkpoint path pattern '" + pattern + "': field " + matcher.group()
                        + " cannot format " + (value instanceof Integer ? "the epoch (an integer, e.g. {epoch:02d})"
                        : name + " (a number, e.g. {" + name + ":.4f})") + ": " + e.getMessage(), e);
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(text));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    /** The file written last, or null. */
    public Path lastSaved() {
        return lastSaved;
    }

    /** 0-based epoch of the file written last, or -1. */
    public int lastSavedEpoch() {
        return lastSavedEpoch;
    }
}
