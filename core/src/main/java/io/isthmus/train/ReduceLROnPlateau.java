package io.isthmus.train;

import java.util.Map;

/**
 * Multiplies the learning rate by {@code factor} when the monitored metric has not improved (by
 * more than {@code minDelta}) for {@code patience} epochs, then ignores the next {@code cooldown}
 * epochs; never below {@code minLr}. As Keras's, except that a cooldown of c skips c epochs
 * (Keras's skips c - 1). With several parameter groups each group's rate is reduced, as
 * PyTorch's does.
 */
public final class ReduceLROnPlateau implements Callback {

    private final Monitor monitor;
    private final double factor;
    private final int patience;
    private final int cooldown;
    private final double minLr;
    private double best;
    private int wait;
    private int cooldownLeft;

    public ReduceLROnPlateau(String metric, String mode, double factor, int patience, double minDelta, int cooldown,
                             double minLr) {
        if (!(factor > 0 && factor < 1)) {
            throw new IllegalArgumentException("factor must be in (0, 1), got " + factor);
        }
        if (patience < 0 || cooldown < 0 || minLr < 0) {
            throw new IllegalArgumentException("patience, cooldown and minLr must be >= 0, got " + patience + ", "
                    + cooldown + ", " + minLr);
        }
        this.monitor = Monitor.of(metric, mode, minDelta);
        this.factor = factor;
        this.patience = patience;
        this.cooldown = cooldown;
        this.minLr = minLr;
    }

    /** Keras's defaults on val_loss: factor 0.1, patience 10, min delta 1e-4, no cooldown, min lr 0. */
    public static ReduceLROnPlateau onValidationLoss() {
        return new ReduceLROnPlateau("val_loss", "min", 0.1, 10, 1e-4, 0, 0);
    }

    /**
     * Starts from the trainer's history: the recorded epochs are replayed (without touching the
     * rate), so after a resume the best value, patience and cooldown are where the
     * uninterrupted run had them, and it reduces at the same epochs.
     */
    @Override
    public void onTrainBegin(Trainer trainer) {
        best = monitor.worst();
        wait = 0;
        cooldownLeft = 0;
        for (Map<String, Double> logs : trainer.history().logs()) {
            Double value = logs.get(monitor.metric());
            if (value != null) {
                advance(value);
            }
        }
    }

    @Override
    public void onEpochEnd(Trainer trainer, int epoch, Map<String, Double> logs) {
        if (!advance(monitor.value(logs))) {
            return;
        }
        int groups = trainer.optimizer().groups().size();
        for (int g = 0; g < groups; g++) {
            double old = trainer.optimizer().lr(g);
            double reduced = Math.max(old * factor, minLr);
            if (reduced < old) {
                trainer.optimizer().setLr(g, reduced);
                trainer.log("epoch " + (epoch + 1) + ": reducing learning rate" + (groups > 1 ? " of group " + g : "")
                        + " from " + (float) old + " to " + (float) reduced);
            }
        }
    }

    /**
     * One epoch's value through the plateau logic; true when the rate is due for a reduction.
     * The {@code cooldown} epochs after a reduction do not count towards patience (an
     * improvement in them still sets the best value).
     */
    private boolean advance(double current) {
        boolean improved = monitor.improves(current, best);
        if (improved) {
            best = current;
            wait = 0;
        }
        if (cooldownLeft > 0) {
            cooldownLeft--;
            wait = 0;
            return false;
        }
        if (improved || ++wait < patience) {
            return false;
        }
        cooldownLeft = cooldown;
        wait = 0;
        return true;
    }
}
