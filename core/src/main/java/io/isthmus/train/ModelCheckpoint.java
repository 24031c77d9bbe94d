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
 * (weights, optimizer, epoch, history: resumable) unless {@code saveWeightsOnly}.
 *
 * <pre>{@code
 * ModelCheckpoint best = ModelCheckpoint.builder("ckpt/best-{epoch:02d}.safetensors")
 *         .monitor("val_accuracy").saveBestOnly(true).build();
 * }</pre>
 */
public final class ModelCheckpoint implements Callback {

    private static final Pattern FIELD = Pattern.compile("\\{(\\w+)(?::([^}]*))?}");

    private final String pathPattern;
    private final Monitor monitor;
    private final boolean saveBestOnly;
    private final boolean saveWeightsOnly;
    private double best;
    private Path lastSaved;
    private int lastSavedEpoch = -1;

    private ModelCheckpoint(Builder options) {
        this.pathPattern = options.pathPattern;
        this.monitor = Monitor.of(options.monitor, options.mode, 0);
        this.saveBestOnly = options.saveBestOnly;
        this.saveWeightsOnly = options.saveWeightsOnly;
    }

    /**
     * Options for checkpoints at {@code pathPattern}, with Keras's defaults: monitor
     * {@code val_loss}, mode {@link Mode#AUTO}, saveBestOnly false (save every epoch),
     * saveWeightsOnly false. The pattern's formats are checked here, its metric names at the
     * first save (only then are the logged metrics known).
     */
    public static Builder builder(String pathPattern) {
        return new Builder(pathPattern);
    }

    /** Full checkpoints of the epochs that improve val_loss. */
    public static ModelCheckpoint bestOnValidationLoss(String pathPattern) {
        return builder(pathPattern).saveBestOnly(true).build();
    }

    /** ModelCheckpoint's options; each setter rejects a bad value at once, naming the option. */
    public static final class Builder {
        private final String pathPattern;
        private String monitor = "val_loss";
        private Mode mode = Mode.AUTO;
        private boolean saveBestOnly = false;
        private boolean saveWeightsOnly = false;

        private Builder(String pathPattern) {
            this.pathPattern = checkPattern(pathPattern);
        }

        /** The logged metric that decides which epochs are best; used only with saveBestOnly. */
        public Builder monitor(String metric) {
            this.monitor = Monitor.checkMetric(metric);
            return this;
        }

        public Builder mode(Mode mode) {
            this.mode = Monitor.checkMode(mode);
            return this;
        }

        /** Save only the epochs that improve the monitored metric. */
        public Builder saveBestOnly(boolean saveBestOnly) {
            this.saveBestOnly = saveBestOnly;
            return this;
        }

        /** Save the model's weights alone (not resumable) instead of a full checkpoint. */
        public Builder saveWeightsOnly(boolean saveWeightsOnly) {
            this.saveWeightsOnly = saveWeightsOnly;
            return this;
        }

        /** A new callback (each with its own state); the builder can go on making more. */
        public ModelCheckpoint build() {
            return new ModelCheckpoint(this);
        }
    }

    /**
     * {@code pattern} if it is a usable path pattern: not blank, and every field's format fits its
     * value (an integer for {@code epoch}, a number for a metric), tried on sample values.
     */
    private static String checkPattern(String pattern) {
        if (pattern == null || pattern.isBlank()) {
            throw new IllegalArgumentException("checkpoint path pattern must name a file, got "
                    + (pattern == null ? "null" : "'" + pattern + "'"));
        }
        Matcher matcher = FIELD.matcher(pattern);
        while (matcher.find()) {
            format(pattern, matcher, matcher.group(1).equals("epoch") ? (Object) 1 : (Object) 0.5);
        }
        return pattern;
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
            if (saveWeightsOnly) {
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
            matcher.appendReplacement(out, Matcher.quoteReplacement(format(pattern, matcher, value)));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    /** The field {@code matcher} is on, formatted with {@code value}: an Integer (the epoch) or a Double. */
    private static String format(String pattern, Matcher matcher, Object value) {
        String name = matcher.group(1);
        String format = matcher.group(2);
        try {
            return String.format(Locale.ROOT, "%" + (format != null ? format : value instanceof Integer ? "d" : "f"), value);
        } catch (IllegalFormatException e) {
            throw new IllegalArgumentException("checkpoint path pattern '" + pattern + "': field " + matcher.group()
                    + " cannot format " + (value instanceof Integer ? "the epoch (an integer, e.g. {epoch:02d})"
                    : name + " (a number, e.g. {" + name + ":.4f})") + ": " + e.getMessage(), e);
        }
    }

    public String pathPattern() {
        return pathPattern;
    }

    /** The metric that decides the best epochs, its resolved direction (minDelta is 0). */
    public Monitor monitor() {
        return monitor;
    }

    public boolean saveBestOnly() {
        return saveBestOnly;
    }

    public boolean saveWeightsOnly() {
        return saveWeightsOnly;
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
