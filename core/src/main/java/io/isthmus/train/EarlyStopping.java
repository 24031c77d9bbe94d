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

    public EarlyStopping(String metric, String mode, int patience, double minDelta, boolean restoreBestWeights) {
        if (patience < 0) {
            throw new IllegalArgumentException("patience must be >= 0, got " + patience);
        }
        this.monitor = Monitor.of(metric, mode, minDelta);
        this.patience = patience;
        this.restoreBestWeights = restoreBestWeights;
    }

    /** Monitors val_loss (min), patience 5, no minimum delta, restores the best weights. */
    public static EarlyStopping onValidationLoss(int patience) {
        return new EarlyStopping("val_loss", "min", patience, 0, true);
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
