package io.isthmus.kernels.pool;

import io.isthmus.kernels.Backend;
import io.isthmus.kernels.Kernels;
import io.isthmus.kernels.SimdKernels;

/**
 * 2-D pooling on NCHW {@code float[]} storage: max (argmax kept for backward), average, and
 * global average, each forward and backward. Two implementations with one contract:
 * {@link ScalarPool} (one output at a time with a bounds check per tap, the oracle) and
 * {@link FastPool} (window ranges clipped once per output, planes split across threads); the
 * tests hold them to each other. Geometry comes validated in a {@link PoolShape}; every array
 * range is assumed to fit. Backward kernels <em>write</em> (not accumulate) the whole of dx.
 *
 * <p>Arrays are whole tensors from the given offsets: x, dx: [N, C, H, W]; y, dy, argmax:
 * [N, C, outH, outW].
 */
public interface PoolKernel {

    /** Short name for logs and tests: scalar or fast. */
    String name();

    /**
     * y = the largest x in each window (padding counts as -inf; NaN wins, as in PyTorch; the first
     * of equal values wins); argmax = its index within its [H, W] plane (ih * W + iw), or -1 when
     * a dilated window covers no input element (then y = -inf).
     */
    void maxForward(PoolShape g, float[] x, int xOff, float[] y, int yOff, int[] argmax, int argmaxOff);

    /** dx = dy scattered to the argmax of each window (summed where windows share it), 0 elsewhere. */
    void maxBackward(PoolShape g, float[] dy, int dyOff, int[] argmax, int argmaxOff, float[] dx, int dxOff);

    /**
     * y = sum of the window / divisor, the divisor being kh * kw when {@code countIncludePad}
     * (padding counts as zeros, PyTorch's default), else the number of input elements in the
     * window. Dilation must be 1.
     */
    void avgForward(PoolShape g, boolean countIncludePad, float[] x, int xOff, float[] y, int yOff);

    /** dx = each window's dy / divisor added over the windows that cover the element. */
    void avgBackward(PoolShape g, boolean countIncludePad, float[] dy, int dyOff, float[] dx, int dxOff);

    /** y[p] = mean of x's plane p; x: [planes, size], y: [planes]; sums in double. */
    void globalAvgForward(int planes, int size, float[] x, int xOff, float[] y, int yOff);

    /** dx[p, i] = dy[p] / size; dy: [planes], dx: [planes, size]. */
    void globalAvgBackward(int planes, int size, float[] dy, int dyOff, float[] dx, int dxOff);

    /**
     * The scalar kernels under {@code -Disthmus.backend=reference}, else the Vector API ones
     * where that module is present, else the fast plain-loop ones.
     */
    static PoolKernel selected() {
        return Selected.KERNEL;
    }

    /** Holder so that the backend is read once, at first use. */
    final class Selected {
        static final PoolKernel KERNEL = Kernels.backend() == Backend.REFERENCE ? new ScalarPool()
                : Kernels.simd().map(SimdKernels::pool).orElseGet(FastPool::new);

        private Selected() {
        }
    }
}
