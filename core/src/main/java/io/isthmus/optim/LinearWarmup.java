package io.isthmus.optim;

import java.util.Objects;

/**
 * Ramps the rate up linearly over {@code warmupSteps} steps, then hands over to another
 * schedule: {@code lr = baseLr * (step + 1) / warmupSteps} for step &lt; warmupSteps (so the
 * first step already moves and the last warmup step reaches the base rate), then
 * {@code after.lr(step - warmupSteps, baseLr)}: the wrapped schedule counts from the end of
 * warmup (e.g. a cosine's tMax covers the steps after warmup).
 */
public record LinearWarmup(int warmupSteps, LrSchedule after) implements LrSchedule {

    public LinearWarmup {
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("LinearWarmup: warmupSteps must be >= 0, got " + warmupSteps);
        }
        Objects.requireNonNull(after, "LinearWarmup: the schedule after warmup is null");
    }

    /** Warmup, then the base rate. */
    public LinearWarmup(int warmupSteps) {
        this(warmupSteps, LrSchedule.constant());
    }

    @Override
    public double lr(int step, double baseLr) {
        LrSchedule.checkStep(step);
        if (step < warmupSteps) {
            return baseLr * (step + 1) / warmupSteps;
        }
        return after.lr(step - warmupSteps, baseLr);
    }
}
