package io.isthmus.train;

import io.isthmus.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Stops training when the monitored metric has not improved by more than {@code minDelta} for
 * {@code patience} epochs (patience 2: the second epoch without improvement is the last);
 * optionally restores the weights of the best epoch (Keras semantics: restored at the end of
 * training whenever training ran at least one epoch past the best).
 *
 * <p>At the start of fit it replays the trainer's history, so after a resume it knows the best
 * value and how long it has waited, and stops where the uninterrupted run would. Weights of a
 * best epoch from before the resume are not in the checkpoint: if that epoch stays the best,
 * the last weights are kept and a message says so.
 *
 * <pre>{@code
 * EarlyStopping stopping = EarlyStopping.builder()
 *         .monitor("val_accuracy").patience(3).restoreBestWeights(true).build();
 * }</pre>
 */
public final class EarlyStopping implements Callback {

    private final Monitor monitor;
    private final int patience;
    private final boolean restoreBestWeights;
    private double best;
    private int bestEpoch = -1;
    private int wait;
    private int stoppedEpoch = -1;
    private Map<String, float[]> bestWeights;

    private EarlyStopping(Builder options) {
        this.monitor = Monitor.of(options.monitor, options.mode, options.minDelta);
        this.patience = options.patience;
        this.restoreBestWeights = options.restoreBestWeights;
    }

    /**
     * Options with Keras's defaults: monitor {@code val_loss}, mode {@link Mode#AUTO}, patience 0,
     * minDelta 0, restoreBestWeights false.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Monitors val_loss (lower is better), no minimum delta, restores the best weights. */
    public static EarlyStopping onValidationLoss(int patience) {
        return builder().patience(patience).restoreBestWeights(true).build();
    }

    /** EarlyStopping's options; each setter rejects a bad value at once, naming the option. */
    public static final class Builder {
        private String monitor = "val_loss";
        private Mode mode = Mode.AUTO;
        private int patience = 0;
        private double minDelta = 0;
        private boolean restoreBestWeights = false;

        private Builder() {
        }

        /** The logged metric to watch ({@code val_loss}, {@code accuracy}, ...). */
        public Builder monitor(String metric) {
            this.monitor = Monitor.checkMetric(metric);
            return this;
        }

        public Builder mode(Mode mode) {
            this.mode = Monitor.checkMode(mode);
            return this;
        }

        /** Epochs without improvement before stopping; 0 stops at the first one. */
        public Builder patience(int patience) {
            if (patience < 0) {
                throw new IllegalArgumentException("patience must be >= 0, got " + patience);
            }
            this.patience = patience;
            return this;
        }

        /** How much a value must beat the best to count as an improvement. */
        public Builder minDelta(double minDelta) {
            this.minDelta = Monitor.checkMinDelta(minDelta);
            return this;
        }

        /** At the end of training, put back the weights of the best epoch. */
        public Builder restoreBestWeights(boolean restoreBestWeights) {
            this.restoreBestWeights = restoreBestWeights;
            return this;
        }

        /** A new callback (each with its own state); the builder can go on making more. */
        public EarlyStopping build() {
            return new EarlyStopping(this);
        }
    }

    @Override
    public void onTrainBegin(Trainer trainer) {
        best = monitor.worst();
        bestEpoch = -1;
        wait = 0;
        stoppedEpoch = -1;
        bestWeights = null;
        History history = trainer.history();
        for (int i = 0; i < history.size(); i++) {
            Double value = history.logs().get(i).get(monitor.metric());
            if (value != null) {
                if (monitor.improves(value, best)) {
                    best = value;
                    bestEpoch = history.epochs().get(i);
                    wait = 0;
                } else {
                    wait++;
                }
            }
        }
    }

    @Override
    public void onEpochEnd(Trainer trainer, int epoch, Map<String, Double> logs) {
        double current = monitor.value(logs);
        if (monitor.improves(current, best)) {
            best = current;
            bestEpoch = epoch;
            wait = 0;
            if (restoreBestWeights) {
                bestWeights = snapshot(trainer.model().stateDict());
            }
            return;
        }
        wait++;
        if (wait >= patience) {
            stoppedEpoch = epoch;
            trainer.stopTraining();
        }
    }

    @Override
    public void onTrainEnd(Trainer trainer) {
        if (restoreBestWeights && bestEpoch >= 0 && bestEpoch != trainer.lastEpoch()) {
            if (bestWeights != null) {
                Map<String, Tensor> state = trainer.model().stateDict();
                bestWeights.forEach((name, values) -> System.arraycopy(values, 0, state.get(name).data(), 0, values.length));
                trainer.log("restored the weights of epoch " + (bestEpoch + 1) + " (" + monitor.metric() + " = "
                        + String.format(Locale.ROOT, "%.4f", best) + ")");
            } else {
                trainer.log("cannot restore the weights of epoch " + (bestEpoch + 1) + " (" + monitor.metric() + " = "
                        + String.format(Locale.ROOT, "%.4f", best) + "): it ran before this fit; keeping the last weights");
            }
        }
        if (stoppedEpoch >= 0) {
            trainer.log("early stopping after epoch " + (stoppedEpoch + 1) + ": " + monitor.metric()
                    + " did not improve for " + wait + (wait == 1 ? " epoch" : " epochs") + "; best epoch " + (bestEpoch + 1));
        }
    }

    private static Map<String, float[]> snapshot(Map<String, Tensor> state) {
        Map<String, float[]> copy = new LinkedHashMap<>();
        state.forEach((name, t) -> copy.put(name, t.data().clone()));
        return copy;
    }

    /** The watched metric, its resolved direction and minDelta. */
    public Monitor monitor() {
        return monitor;
    }

    public int patience() {
        return patience;
    }

    public boolean restoreBestWeights() {
        return restoreBestWeights;
    }

    /** 0-based epoch with the best monitored value, or -1. */
    public int bestEpoch() {
        return bestEpoch;
    }

    public double bestValue() {
        return best;
    }

    /** 0-based epoch at which training was stopped, or -1 if it ran to the end. */
    public int stoppedEpoch() {
        return stoppedEpoch;
    }
}
