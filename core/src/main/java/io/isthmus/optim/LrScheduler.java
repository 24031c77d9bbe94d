package io.isthmus.optim;

import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Drives an optimizer's learning rate by a {@link LrSchedule}, like PyTorch's scheduler
 * objects: the base rate is the optimizer's rate when the scheduler is made, the rate of step
 * 0 is set at once, and each {@link #step()} advances one step and sets that step's rate.
 *
 * <p>Per epoch or per batch: call {@link #step()} where you want, or let a training loop call
 * {@link #onBatchEnd()} after every batch and {@link #onEpochEnd()} after every epoch; only
 * the one matching {@link #interval()} advances. The base rate is kept at float32 precision
 * (the precision updates use), so {@link #stateDict()} restores it exactly.
 *
 * <p>With several parameter groups, as PyTorch's schedulers: each group keeps its own base
 * rate (its rate when the scheduler is made) and gets {@code schedule.lr(step, itsBase)}.
 */
public final class LrScheduler {

    /** When a training loop should advance the schedule. */
    public enum Interval { EPOCH, BATCH }

    private final Optimizer optimizer;
    private final LrSchedule schedule;
    private final Interval interval;
    private double[] baseLrs;
    private int step;

    /** Advances per epoch. */
    public LrScheduler(Optimizer optimizer, LrSchedule schedule) {
        this(optimizer, schedule, Interval.EPOCH);
    }

    public LrScheduler(Optimizer optimizer, LrSchedule schedule, Interval interval) {
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.interval = Objects.requireNonNull(interval, "interval");
        this.baseLrs = new double[optimizer.groups().size()];
        for (int g = 0; g < baseLrs.length; g++) {
            baseLrs[g] = (float) optimizer.lr(g);
        }
        apply();
    }

    /** Moves to the next step and sets its rate on the optimizer. */
    public void step() {
        step++;
        apply();
    }

    /** Advances when the interval is {@link Interval#BATCH}. */
    public void onBatchEnd() {
        if (interval == Interval.BATCH) {
            step();
        }
    }

    /** Advances when the interval is {@link Interval#EPOCH}. */
    public void onEpochEnd() {
        if (interval == Interval.EPOCH) {
            step();
        }
    }

    private void apply() {
        for (int g = 0; g < baseLrs.length; g++) {
            optimizer.setLr(g, schedule.lr(step, baseLrs[g]));
        }
    }

    /** Steps taken so far (0 right after construction). */
    public int stepCount() {
        return step;
    }

    /** Group 0's base rate. */
    public double baseLr() {
        return baseLrs[0];
    }

    public double baseLr(int group) {
        return baseLrs[group];
    }

    /** The rate the schedule gives group 0 for the current step. */
    public double lr() {
        return schedule.lr(step, baseLrs[0]);
    }

    public Interval interval() {
        return interval;
    }

    /**
     * {@code step} (one element, exact up to 2^24) and {@code base_lr}: one element with one
     * parameter group, else one per group.
     */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> dict = new LinkedHashMap<>();
        dict.put("step", Tensor.scalar(step));
        float[] bases = new float[baseLrs.length];
        for (int g = 0; g < bases.length; g++) {
            bases[g] = (float) baseLrs[g];
        }
        dict.put("base_lr", bases.length == 1 ? Tensor.scalar(bases[0]) : Tensor.of(bases, bases.length));
        return dict;
    }

    /** Restores a {@link #stateDict()} and sets the restored step's rate on the optimizer. */
    public void loadStateDict(Map<String, Tensor> dict) {
        if (!dict.keySet().equals(Set.of("step", "base_lr"))) {
            throw new IllegalArgumentException("LrScheduler: state dict must have exactly step and base_lr, got "
                    + dict.keySet());
        }
        float loadedStep = single("step", dict.get("step"));
        if (!(loadedStep >= 0) || loadedStep != Math.rint(loadedStep) || loadedStep > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("LrScheduler: step = " + loadedStep + " is not a non-negative integer");
        }
        Tensor bases = dict.get("base_lr");
        if (bases.numel() != baseLrs.length) {
            throw new IllegalArgumentException("LrScheduler: state dict has " + bases.numel() + " base rates (base_lr "
                    + Shape.str(bases.shape()) + ") but the optimizer has " + baseLrs.length + " parameter groups");
        }
        double[] loaded = new double[baseLrs.length];
        for (int g = 0; g < loaded.length; g++) {
            float base = bases.data()[g];
            if (!(base >= 0) || Float.isInfinite(base)) {
                throw new IllegalArgumentException("LrScheduler: base_lr = " + base + (loaded.length > 1 ? " (group " + g
                        + ")" : "") + " is not a finite rate >= 0");
            }
            loaded[g] = base;
        }
        step = (int) loadedStep;
        baseLrs = loaded;
        apply();
    }

    private static float single(String key, Tensor value) {
        if (value.numel() != 1) {
            throw new IllegalArgumentException("LrScheduler: state dict entry " + key + " must have one element, has shape "
                    + Shape.str(value.shape()));
        }
        return value.data()[0];
    }
}
