package io.isthmus.optim;

/**
 * Decays the rate by {@code gamma} every {@code stepSize} steps, as PyTorch's {@code StepLR}:
 * {@code lr = baseLr * gamma^floor(step / stepSize)}.
 */
public record StepLR(int stepSize, double gamma) implements LrSchedule {

    public StepLR {
        if (stepSize <= 0) {
            throw new IllegalArgumentException("StepLR: stepSize must be > 0, got " + stepSize);
        }
        if (!(gamma >= 0) || Double.isInfinite(gamma)) {
            throw new IllegalArgumentException("StepLR: gamma must be finite and >= 0, got " + gamma);
        }
    }

    @Override
    public double lr(int step, double baseLr) {
        LrSchedule.checkStep(step);
        return baseLr * Math.pow(gamma, step / stepSize);
    }
}
