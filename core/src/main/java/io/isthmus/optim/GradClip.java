package io.isthmus.optim;

import io.isthmus.kernels.Kernels;
import io.isthmus.tensor.Tensor;

import java.util.List;

/**
 * Gradient clipping over a list of parameters, as PyTorch's {@code clip_grad_norm_} and
 * {@code clip_grad_value_}. Parameters without a gradient are skipped. Call between
 * {@code backward()} and {@code step()}.
 */
public final class GradClip {

    private GradClip() {
    }

    /**
     * Scales all gradients together so that their global L2 norm is at most {@code maxNorm}:
     * each is multiplied by {@code min(1, maxNorm / (total + 1e-6))}.
     *
     * @return the total norm before clipping (NaN or infinite when a gradient is)
     */
    public static double clipGradNorm(List<Tensor> params, double maxNorm) {
        return clipGradNorm(params, maxNorm, 2);
    }

    /**
     * As {@link #clipGradNorm(List, double)} with the p-norm of all gradients taken as one vector
     * ({@code normType} > 0, or {@code Double.POSITIVE_INFINITY} for the largest magnitude).
     */
    public static double clipGradNorm(List<Tensor> params, double maxNorm, double normType) {
        if (!(maxNorm >= 0)) {
            throw new IllegalArgumentException("clipGradNorm: maxNorm must be >= 0, got " + maxNorm);
        }
        if (!(normType > 0)) {
            throw new IllegalArgumentException("clipGradNorm: normType must be > 0 (or infinity), got " + normType);
        }
        double total = totalNorm(params, normType);
        double coefficient = maxNorm / (total + 1e-6);
        if (coefficient < 1) {
            float scale = (float) coefficient;
            for (Tensor p : params) {
                float[] g = p.grad();
                if (g != null) {
                    Kernels.elementwise().scale(scale, g, 0, g, 0, g.length);
                }
            }
        }
        return total;
    }

    /** The p-norm of all gradients taken as one vector (0 when none has a gradient). */
    public static double totalNorm(List<Tensor> params, double normType) {
        double accumulated = 0;
        for (Tensor p : params) {
            float[] g = p.grad();
            if (g == null) {
                continue;
            }
            if (normType == 2) {
                accumulated += Kernels.elementwise().sumOfSquares(g, 0, g.length);
            } else if (normType == Double.POSITIVE_INFINITY) {
                for (float v : g) {
                    accumulated = Math.max(accumulated, Math.abs(v));
                    if (Float.isNaN(v)) {
                        return Double.NaN;
                    }
                }
            } else {
                for (float v : g) {
                    accumulated += Math.pow(Math.abs(v), normType);
                }
            }
        }
        if (normType == Double.POSITIVE_INFINITY) {
            return accumulated;
        }
        return normType == 2 ? Math.sqrt(accumulated) : Math.pow(accumulated, 1 / normType);
    }

    /** Clamps every gradient element into [-clipValue, clipValue]; clipValue >= 0. */
    public static void clipGradValue(List<Tensor> params, double clipValue) {
        if (!(clipValue >= 0)) {
            throw new IllegalArgumentException("clipGradValue: clipValue must be >= 0, got " + clipValue);
        }
        float limit = (float) clipValue;
        for (Tensor p : params) {
            float[] g = p.grad();
            if (g == null) {
                continue;
            }
            for (int i = 0; i < g.length; i++) {
                // NaN stays NaN (as torch.clamp), so a diverged step is still visible
                if (g[i] > limit) {
                    g[i] = limit;
                } else if (g[i] < -limit) {
                    g[i] = -limit;
                }
            }
        }
    }
}
