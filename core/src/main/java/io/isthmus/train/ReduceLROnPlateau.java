package io.isthmus.train;

import java.util.Map;

/**
 * Multiplies the learning rate by {@code factor} when the monitored metric has not improved (by
 * more than {@code minDelta}) for {@code patience} epochs, then ignores the next {@code cooldown}
 * epochs; never below {@code minLr}. As Keras's, except that a cooldown of c skips c epochs
 * (Keras's skips c - 1). With several parameter groups each group's rate is reduced, as
 * PyTorch's does.
 *
 * <pre>{@code
 * ReduceLROnPlateau plateau = ReduceLROnPlateau.builder()
 *         .factor(0.5).patience(2).minLr(1e-5).build();
 * }</pre>
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

    private ReduceLROnPlateau(Builder options) {
        this.monitor = Monitor.of(options.monitor, options.mode, options.minDelta);
        this.factor = options.factor;
        this.patience = options.patience;
        this.cooldown = options.cooldown;
        this.minLr = options.minLr;
    }

    /**
     * Options with Keras's defaults: monitor {@code val_loss}, mode {@link Mode#AUTO}, factor 0.1,
     * patience 10, minDelta 1e-4, cooldown 0, minLr 0.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Keras's defaults on val_loss: factor 0.1, patience 10, min delta 1e-4, no cooldown, min lr 0. */
    public static ReduceLROnPlateau onValidationLoss() {
        return builder().build();
    }

    /** ReduceLROnPlateau's options; each setter rejects a bad value at once, naming the option. */
    public static final class Builder {
        private String monitor = "val_loss";
        private Mode mode = Mode.AUTO;
        private double factor = 0.1;
        private int patience = 10;
        private double minDelta = 1e-4;
        private int cooldown = 0;
        private double minLr = 0;

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

        /** What the rate is multiplied by at a plateau, in (0, 1). */
        public Builder factor(double factor) {
            if (!(factor > 0 && factor < 1)) {
                throw new IllegalArgumentException("factor must be in (0, 1), got " + factor);
            }
            this.factor = factor;
            return this;
        }

        /** Epochs without improvement before a reduction. */
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

        /** Epochs after a reduction that do not count towards patience. */
        public Builder cooldown(int cooldown) {
            if (cooldown < 0) {
                throw new IllegalArgumentException("cooldown must be >= 0, got " + cooldown);
            }
            this.cooldown = cooldown;
            return this;
        }

        /** The rate is never reduced below this. */
        public Builder minLr(double minLr) {
            if (!(minLr >= 0 && minLr < Double.POSITIVE_INFINITY)) {
                throw new IllegalArgumentException("minLr must be a finite number >= 0, got " + minLr);
            }
            this.minLr = minLr;
            return this;
        }

        /** A new callback (each with its own state); the builder can go on making more. */
        public ReduceLROnPlateau build() {
            return new ReduceLROnPlateau(this);
        }
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

    /** The watched metric, its resolved direction and minDelta. */
    public Monitor monitor() {
        return monitor;
    }

    public double factor() {
        return factor;
    }

    public int patience() {
        return patience;
    }

    public int cooldown() {
        return cooldown;
    }

    public double minLr() {
        return minLr;
    }
}
