package io.isthmus.train;

import io.isthmus.io.AtomicFiles;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes one CSV row per epoch ({@code epoch,loss,accuracy,...}), flushed each epoch. Replaces an
 * existing file unless told to append ({@code CsvLogger.builder(path).append(true).build()}),
 * which continues under the file's header, as after a resume.
 */
public final class CsvLogger implements Callback {

    private final Path file;
    private final boolean append;
    private BufferedWriter writer;
    private List<String> columns;

    private CsvLogger(Builder options) {
        this.file = options.file;
        this.append = options.append;
    }

    /** Options for a log at {@code file}, with Keras's default: append false (replace the file). */
    public static Builder builder(Path file) {
        return new Builder(file);
    }

    /** A log at {@code file} that replaces what is there; parent directories are created. */
    public static CsvLogger to(Path file) {
        return builder(file).build();
    }

    /** CsvLogger's options. */
    public static final class Builder {
        private final Path file;
        private boolean append = false;

        private Builder(Path file) {
            if (file == null) {
                throw new IllegalArgumentException("CsvLogger file must be a path, got null");
            }
            this.file = file;
        }

        /** Continue an existing file under its header instead of replacing it. */
        public Builder append(boolean append) {
            this.append = append;
            return this;
        }

        /** A new callback; the builder can go on making more. */
        public CsvLogger build() {
            return new CsvLogger(this);
        }
    }

    public Path file() {
        return file;
    }

    public boolean append() {
        return append;
    }

    @Override
    public void onTrainBegin(Trainer trainer) {
        try {
            AtomicFiles.createParentDirectories(file);
            boolean continuing = append && Files.exists(file) && Files.size(file) > 0;
            columns = continuing ? readHeader() : null;
            writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    continuing ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("CsvLogger cannot open " + file, e);
        }
    }

    private List<String> readHeader() throws IOException {
        String header = Files.readAllLines(file, StandardCharsets.UTF_8).get(0);
        List<String> names = new ArrayList<>(List.of(header.split(",")));
        names.remove(0);
        return names;
    }

    @Override
    public void onEpochEnd(Trainer trainer, int epoch, Map<String, Double> logs) {
        try {
            if (columns == null) {
                columns = new ArrayList<>(logs.keySet());
                writer.write("epoch," + String.join(",", columns));
                writer.newLine();
            }
            StringBuilder row = new StringBuilder().append(epoch);
            for (String column : columns) {
                Double value = logs.get(column);
                row.append(',').append(value == null ? "" : String.format(Locale.ROOT, "%.6g", value));
            }
            writer.write(row.toString());
            writer.newLine();
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("CsvLogger cannot write " + file, e);
        }
    }

    @Override
    public void onTrainEnd(Trainer trainer) {
        try {
            if (writer != null) {
                writer.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("CsvLogger cannot close " + file, e);
        }
    }
}
