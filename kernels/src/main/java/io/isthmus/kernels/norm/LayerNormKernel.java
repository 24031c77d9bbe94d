package io.isthmus.kernels.norm;

import io.isthmus.kernels.Backend;
import io.isthmus.kernels.Kernels;

/**
 * Layer normalization over the last axis of x: [rows, d]: per row, statistics over its d
 * contiguous values. Two implementations with one contract: {@link ScalarLayerNorm} (two plain
 * passes in double, the oracle) and {@link FastLayerNorm} (one fused pass per row); the tests hold
 * them to each other.
 *
 * <p>weight and bias are [d] and may be null (weight 1, bias 0). mean and invStd are [rows],
 * written by forward and read by backward. Backward kernels <em>write</em> dx and
 * <em>accumulate</em> nothing: dweight and dbias are written too (sums over the rows); any of the
 * three may be null to skip it.
 */
public interface LayerNormKernel {

    /** Short name for logs and tests: scalar or fast. */
    String name();

    /**
     * Per row: mean and biased variance, invStd = 1 / sqrt(var + eps),
     * y = (x - mean) invStd weight + bias. Writes mean and invStd for backward.
     */
    void forward(int rows, int d, float[] x, float[] weight, float[] bias, float eps,
                 float[] y, float[] mean, float[] invStd);

    /**
     * With xhat = (x - mean) invStd and g = dy weight: dbias = sum over rows of dy,
     * dweight = sum over rows of dy xhat, dx = invStd (g - mean_d(g) - xhat mean_d(g xhat)).
     */
    void backward(int rows, int d, float[] x, float[] dy, float[] weight, float[] mean, float[] invStd,
                  float[] dx, float[] dweight, float[] dbias);

    /** The fast kernel, or the scalar one under {@code -Disthmus.backend=reference}. */
    static LayerNormKernel selected() {
        return Selected.KERNEL;
    }

    /** Holder so that the backend is read once, at first use. */
    final class Selected {
        static final LayerNormKernel KERNEL = Kernels.backend() == Backend.REFERENCE
                ? new ScalarLayerNorm() : new FastLayerNorm();

        private Selected() {
        }
    }
}
