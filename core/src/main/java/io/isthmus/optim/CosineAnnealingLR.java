package io.isthmus.optim;

/**
 * Cosine annealing from the base rate to {@code etaMin} over {@code tMax} steps, PyTorch's
 * {@code CosineAnnealingLR} in closed form:
 * {@code lr = etaMin + (baseLr - etaMin) * (1 + cos(pi * step / tMax)) / 2}.
 * Past tMax the cosine continues (the rate rises again), as PyTorch's closed form does; wrap
 * it or stop training at tMax to hold it at etaMin.
 */
public record CosineAnnealingLR(int tMax, double etaMin) implements LrSchedule {

    public CosineAnnealingLR {
        if (tMax <= 0) {
            throw new IllegalArgumentException("CosineAnnealingLR: tMax must be > 0, got " + tMax);
        }
        if (!(etaMin >= 0) || Double.isInfinite(etaMin)) {
            throw new IllegalArgumentException("CosineAnnealingLR: etaMin must be finite and >= 0, got " + etaMin);
        }
    }

    /** Annealing to 0. */
    public CosineAnnealingLR(int tMax) {
        this(tMax, 0);
    }

    @Override
    public double lr(int step, double baseLr) {
        LrSchedule.checkStep(step);
        return etaMin + (baseLr - etaMin) * (1 + Math.cos(Math.PI * step / tMax)) / 2;
    }
}
