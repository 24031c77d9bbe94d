package io.isthmus.optim;

/**
 * A learning-rate schedule: the rate at each step as a function of the base rate. Schedules
 * are pure and compose ({@link LinearWarmup} wraps another); {@link LrScheduler} applies one to
 * an optimizer, per epoch or per batch.
 */
@FunctionalInterface
public interface LrSchedule {

    /** The learning rate at {@code step} (0 for the first epoch or batch), given the base rate. */
    double lr(int step, double baseLr);

    /** The base rate at every step. */
    static LrSchedule constant() {
        return (step, baseLr) -> baseLr;
    }

    /** Fails with a clear message on a negative step. */
    static void checkStep(int step) {
        if (step < 0) {
            throw new IllegalArgumentException("learning-rate schedule: step must be >= 0, got " + step);
        }
    }
}
