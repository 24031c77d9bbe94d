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
 */
public final class LrScheduler {

    /** When a training loop should advance the schedule. */
    public enum Interval { EPOCH, BATCH }

    private final Optimizer optimizer;
    private final LrSchedule schedule;
    private final Interval interval;
    private double baseLr;
    private int step;

    /** Advances per epoch. */
    public LrScheduler(Optimizer optimizer, LrSchedule schedule) {
        this(optimizer, schedule, Interval.EPOCH);
    }

    public LrScheduler(Optimizer optimizer, LrSchedule schedule, Interval interval) {
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.interval = Objects.requireNonNull(interval, "interval");
        this.baseLr = (float) optimizer.lr();
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
        optimizer.setLr(schedule.lr(step, baseLr));
    }

    /** Steps taken so far (0 right after construction). */
    public int stepCount() {
        return step;
    }

    public double baseLr() {
        return baseLr;
    }

    /** The rate the schedule gives for the current step. */
    public double lr() {
        return schedule.lr(step, baseLr);
    }

    public Interval interval() {
        return interval;
    }

    /** {@code step} and {@code base_lr}, one-element tensors (the step is exact up to 2^24). */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> dict = new LinkedHashMap<>();
        dict.put("step", Tensor.scalar(step));
        dict.put("base_lr", Tensor.scalar((float) baseLr));
        return dict;
    }

    /** Restores a {@link #stateDict()} and sets the restored step's rate on the optimizer. */
    public void loadStateDict(Map<String, Tensor> dict) {
        if (!dict.keySet().equals(Set.of("step", "base_lr"))) {
            throw new IllegalArgumentException("LrScheduler: state dict must have exactly step and base_lr, got "
                    + dict.keySet());
        }
        float loadedStep = single("step", dict.get("step"));
        float loadedBase = single("base_lr", dict.get("base_lr"));
        if (!(loadedStep >= 0) || loadedStep != Math.rint(loadedStep) || loadedStep > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("LrScheduler: step = " + loadedStep + " is not a non-negative integer");
        }
        if (!(loadedBase >= 0) || Float.isInfinite(loadedBase)) {
            throw new IllegalArgumentException("LrScheduler: base_lr = " + loadedBase + " is not a finite rate >= 0");
        }
        step = (int) loadedStep;
        baseLr = loadedBase;
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
