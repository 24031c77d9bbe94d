package io.isthmus.kernels.conv;

import io.isthmus.kernels.Backend;
import io.isthmus.kernels.Kernels;
import io.isthmus.kernels.gemm.Gemm;


/**
 * 2-D convolution (PyTorch's {@code conv2d}: cross-correlation, zero padding) forward and
 * backward on NCHW float arrays, each array holding exactly one tensor from index 0.
 * Shapes are those of a {@link Conv2dShape}: x: [N, C, H, W]; weight: [O, C / groups, KH, KW];
 * bias: [O]; y and dy: [N, O, OH, OW].
 *
 * <p>Two implementations with one contract: {@link ScalarConv2d} (direct seven-loop
 * convolution, the oracle) and {@link FastConv2d} (im2col + GEMM, direct loops for 1x1 and
 * depthwise, the batch split across threads). The public methods check the array lengths
 * against the shape and then run the implementation.
 */
public abstract class Conv2dKernel {

    Conv2dKernel() {
    }

    /** The fast kernels ({@link #fast()}); the scalar twin under {@code -Disthmus.backend=reference}. */
    public static Conv2dKernel selected() {
        return Holder.SELECTED;
    }

    /** im2col + GEMM ({@link #convGemm()}), whatever the backend. */
    public static Conv2dKernel fast() {
        return Holder.FAST;
    }

    /** The direct seven-loop reference. */
    public static Conv2dKernel scalar() {
        return Holder.SCALAR;
    }

    private static final class Holder {
        static final Conv2dKernel FAST = new FastConv2d(convGemm(), Kernels.elementwise());
        static final Conv2dKernel SCALAR = new ScalarConv2d();
        static final Conv2dKernel SELECTED = Kernels.backend() == Backend.REFERENCE ? SCALAR : FAST;
    }

    /**
     * The GEMM the fast kernels run on: {@link Kernels#gemm()}, so under the default backend
     * (auto) each product shape goes to the backend measured faster on the running machine
     * (a product run inside the batch split is classed as one-thread, as it runs).
     */
    static Gemm convGemm() {
        return Kernels.gemm();
    }

    /** Short name for benchmarks and messages: fast, scalar. */
    public abstract String name();

    /** y = conv(x, weight) + bias, every element of y written; {@code bias} may be null (no bias). */
    public final void forward(Conv2dShape s, float[] x, float[] weight, float[] bias, float[] y) {
        checkLength("x", x, s.inputSize(), s);
        checkLength("weight", weight, s.weightSize(), s);
        if (bias != null) {
            checkLength("bias", bias, s.outChannels(), s);
        }
        checkLength("y", y, s.outputSize(), s);
        runForward(s, x, weight, bias, y);
    }

    /**
     * The gradients of {@code sum(y * dy)}: dx [N, C, H, W], dWeight [O, C / groups, KH, KW]
     * (summed over the batch) and dBias [O] (dy summed over N, OH, OW). Each may be null when it
     * is not wanted; each given one is overwritten whole (not accumulated into). {@code x} may be
     * null when dWeight is, {@code weight} when dx is.
     */
    public final void backward(Conv2dShape s, float[] x, float[] weight, float[] dy,
                               float[] dx, float[] dWeight, float[] dBias) {
        checkLength("dy", dy, s.outputSize(), s);
        if (dx != null) {
            checkLength("dx", dx, s.inputSize(), s);
            checkLength("weight", weight, s.weightSize(), s);
        }
        if (dWeight != null) {
            checkLength("dWeight", dWeight, s.weightSize(), s);
            checkLength("x", x, s.inputSize(), s);
        }
        if (dBias != null) {
            checkLength("dBias", dBias, s.outChannels(), s);
        }
        runBackward(s, x, weight, dy, dx, dWeight, dBias);
    }

    abstract void runForward(Conv2dShape s, float[] x, float[] weight, float[] bias, float[] y);

    abstract void runBackward(Conv2dShape s, float[] x, float[] weight, float[] dy,
                              float[] dx, float[] dWeight, float[] dBias);

    private static void checkLength(String name, float[] array, int expected, Conv2dShape s) {
        if (array == null) {
            throw new IllegalArgumentException("conv2d: " + name + " is null (" + s.describe() + ")");
        }
        if (array.length != expected) {
            throw new IllegalArgumentException("conv2d: " + name + " holds " + array.length + " floats, but "
                    + s.describe() + " needs " + expected);
        }
    }
}
