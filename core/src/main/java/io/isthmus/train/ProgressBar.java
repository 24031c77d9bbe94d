package io.isthmus.train;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * Keras-style progress: on a terminal, a bar per epoch with ETA and running metrics (the
 * me.tongfei progressbar library); otherwise (a file, a pipe, CI) one plain line per epoch.
 * Either way the epoch ends with a line of all its metrics and its time.
 *
 * <pre>{@code
 * new ProgressBar()                                                    // System.out, a bar on a terminal
 * ProgressBar.builder().output(System.err).interactive(true).build()  // a bar on stderr
 * }</pre>
 */
public final class ProgressBar implements Callback {

    private final PrintStream out;
    private final boolean interactive;
    private static final int REDRAW_MILLIS = 200;

    private me.tongfei.progressbar.ProgressBar bar;
    private long lastMessageNanos;

    /** To standard output; a bar only when it is a terminal. */
    public ProgressBar() {
        this(builder());
    }

    private ProgressBar(Builder options) {
        this.out = options.output;
        this.interactive = options.interactive != null ? options.interactive
                : options.output == System.out && System.console() != null && System.console().isTerminal();
    }

    /**
     * Options with the defaults of {@code new ProgressBar()}: output System.out, interactive when
     * that is a terminal (never, by default, for another stream).
     */
    public static Builder builder() {
        return new Builder();
    }

    /** ProgressBar's options. */
    public static final class Builder {
        private PrintStream output = System.out;
        private Boolean interactive;   // null: decided from the output

        private Builder() {
        }

        /** Where the bar and the epoch lines go. */
        public Builder output(PrintStream output) {
            if (output == null) {
                throw new IllegalArgumentException("ProgressBar output must be a stream, got null");
            }
            this.output = output;
            return this;
        }

        /** A live bar redrawn in place (true), or only one plain line per epoch (false). */
        public Builder interactive(boolean interactive) {
            this.interactive = interactive;
            return this;
        }

        /** A new callback; the builder can go on making more. */
        public ProgressBar build() {
            return new ProgressBar(this);
        }
    }

    public PrintStream output() {
        return out;
    }

    /** Whether this draws a live bar (otherwise plain lines only). */
    public boolean interactive() {
        return interactive;
    }

    @Override
    public void onEpochBegin(Trainer trainer, int epoch) {
        if (interactive) {
            lastMessageNanos = System.nanoTime() - REDRAW_MILLIS * 1_000_000L;
            bar = new ProgressBarBuilder()
                    .setTaskName("Epoch " + (epoch + 1) + "/" + trainer.epochs())
                    .setInitialMax(trainer.batchesPerEpoch())
                    .setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(REDRAW_MILLIS)
                    .setConsumer(new ConsoleProgressBarConsumer(out))
                    .build();
        }
    }

    @Override
    public void onBatchEnd(Trainer trainer, int epoch, int batch, Map<String, Double> running) {
        if (bar != null) {
            bar.stepTo(batch + 1);
            // The bar redraws every REDRAW_MILLIS; formatting the metrics for every batch (a few
            // microseconds each, thousands of batches an epoch) would only slow training down.
            long now = System.nanoTime();
            if (now - lastMessageNanos >= REDRAW_MILLIS * 1_000_000L) {
                bar.setExtraMessage(format(running));
                lastMessageNanos = now;
            }
        }
    }

    @Override
    public void onEpochEnd(Trainer trainer, int epoch, Map<String, Double> logs) {
        if (bar != null) {
            bar.close();
            bar = null;
        }
        out.printf(Locale.ROOT, "Epoch %d/%d - %s%n", epoch + 1, trainer.epochs(), format(logs));
        out.flush();
    }

    @Override
    public void onTrainEnd(Trainer trainer) {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    /** "loss: 0.4123 - accuracy: 0.8511 - 0.62s" in Keras's style. */
    static String format(Map<String, Double> logs) {
        StringBuilder text = new StringBuilder();
        logs.forEach((name, value) -> {
            if (name.equals("seconds") || name.equals("val_seconds")) {
                return; // timings: the epoch's time ends the line; validation time is in the history
            }
            if (!text.isEmpty()) {
                text.append(" - ");
            }
            text.append(name).append(": ").append(name.equals("lr")
                    ? String.format(Locale.ROOT, "%.3g", value) : String.format(Locale.ROOT, "%.4f", value));
        });
        Double seconds = logs.get("seconds");
        if (seconds != null) {
            text.append(String.format(Locale.ROOT, " - %.2fs", seconds));
        }
        return text.toString();
    }
}
