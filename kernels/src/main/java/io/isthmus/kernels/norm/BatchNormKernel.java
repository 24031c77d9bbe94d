package io.isthmus.kernels.norm;

import io.isthmus.kernels.Backend;
import io.isthmus.kernels.Kernels;

/**
 * Batch normalization over x: [N, C, S] (S = the product of the spatial sizes, 1 for [N, C]):
 * per channel c, statistics over its N * S elements. Two implementations with one contract:
 * {@link ScalarBatchNorm} (one element at a time by its full index, the oracle) and
 * {@link FastBatchNorm} (each channel's contiguous runs, independent accumulators, channels split
 * across threads); the tests hold them to each other.
 *
 * <p>Statistics are accumulated in double, in two passes over a channel's data: the mean first,
 * then the squared deviations from it. A channel's N * S floats are read the second time while
 * still in cache, and unlike E[x^2] - E[x]^2 nothing cancels when |mean| is large next to the
 * spread. (Welford's update is as sound, but costs a division per element and one serial chain.)
 *
 * <p>Per-channel arrays (weight, bias, mean, invStd, running statistics, dweight, dbias) are [C]
 * from index 0; weight and bias may be null (no affine transform: weight 1, bias 0). Backward
 * kernels <em>write</em> (not accumulate) dx, dweight and dbias, and skip those passed as null.
 */
public interface BatchNormKernel {

    /** Short name for logs and tests: scalar or fast. */
    String name();

    /**
     * Training mode: per channel, mean and biased variance of the batch, then
     * y = (x - mean) * invStd * weight + bias with invStd = 1 / sqrt(var + eps). Writes mean and
     * invStd (for backward). When runningMean is not null, also updates, with factor
     * {@code momentum}: runningMean = (1 - momentum) runningMean + momentum mean, and runningVar
     * likewise with the <em>unbiased</em> variance var * M / (M - 1), M = N * S (PyTorch's rule).
     * Needs M >= 1 (M >= 2 for a running update).
     */
    void forwardTraining(int n, int c, int s, float[] x, int xOff, float[] weight, float[] bias, float eps,
                         float[] y, int yOff, float[] mean, float[] invStd,
                         float[] runningMean, float[] runningVar, double momentum);

    /** y = (x - mean) * invStd * weight + bias with given per-channel mean and invStd (eval mode: running statistics). */
    void forwardEval(int n, int c, int s, float[] x, int xOff, float[] weight, float[] bias,
                     float[] mean, float[] invStd, float[] y, int yOff);

    /**
     * Backward of {@link #forwardTraining} (mean and invStd depend on x), with xhat = (x - mean) invStd:
     * dbias = sum dy, dweight = sum dy xhat, dx = weight invStd (dy - dbias / M - xhat dweight / M).
     */
    void backwardTraining(int n, int c, int s, float[] x, int xOff, float[] dy, int dyOff, float[] weight,
                          float[] mean, float[] invStd, float[] dx, int dxOff, float[] dweight, float[] dbias);

    /**
     * Backward of {@link #forwardEval} (mean and invStd are constants): dx = dy weight invStd,
     * dweight = sum dy (x - mean) invStd, dbias = sum dy.
     */
    void backwardEval(int n, int c, int s, float[] x, int xOff, float[] dy, int dyOff, float[] weight,
                      float[] mean, float[] invStd, float[] dx, int dxOff, float[] dweight, float[] dbias);

    /** out[c] = 1 / sqrt(var[c] + eps), in double and then rounded (eval mode's invStd from running_var). */
    static void invStd(float[] var, float eps, float[] out) {
        for (int i = 0; i < var.length; i++) {
            out[i] = (float) (1.0 / Math.sqrt((double) var[i] + eps));
        }
    }

    /** The fast kernels, or the scalar ones under {@code -Disthmus.backend=reference}. */
    static BatchNormKernel selected() {
        return Selected.KERNEL;
    }

    /** Holder so that the backend is read once, at first use. */
    final class Selected {
        static final BatchNormKernel KERNEL = Kernels.backend() == Backend.REFERENCE
                ? new ScalarBatchNorm() : new FastBatchNorm();

        private Selected() {
        }
    }
}
