package io.isthmus.ops;

import io.isthmus.kernels.pool.AdaptiveAvgPool;
import io.isthmus.kernels.pool.PoolKernel;
import io.isthmus.kernels.pool.PoolShape;
import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

import java.util.Arrays;

/**
 * 2-D pooling as PyTorch's {@code max_pool2d}, {@code avg_pool2d} and {@code adaptive_avg_pool2d}
 * (floor mode), on x: [N, C, H, W] or unbatched [C, H, W]; the result keeps the leading axes and
 * has the pooled [outH, outW] last. Sizes come as {height, width} pairs or one number for both.
 * Kernels: {@link PoolKernel} (the fast one, or the scalar oracle under the reference backend).
 */
public final class Pooling {

    private Pooling() {
    }

    // ---- max ---------------------------------------------------------------------------------------

    /** Max pooling over kernel x kernel windows, stride = kernel, no padding. */
    public static Tensor maxPool2d(Tensor x, int kernel) {
        return maxPool2d(x, kernel, kernel, 0);
    }

    /** Max pooling over kernel x kernel windows with the given stride and padding (padding counts as -inf). */
    public static Tensor maxPool2d(Tensor x, int kernel, int stride, int padding) {
        return maxPool2d(x, pair(kernel), pair(stride), pair(padding), pair(1));
    }

    /**
     * Max pooling with {height, width} pairs: kernel, stride, padding (-inf; at most half the
     * kernel), dilation. NaN wins a window, as in PyTorch; the gradient goes to each window's
     * maximum (the first of equal ones).
     */
    public static Tensor maxPool2d(Tensor x, int[] kernel, int[] stride, int[] padding, int[] dilation) {
        return maxPool2dWithIndices(x, kernel, stride, padding, dilation).values();
    }

    /**
     * {@link #maxPool2d(Tensor, int[], int[], int[], int[])} and, as PyTorch's
     * {@code return_indices=True}, where each maximum is within its [H, W] plane (ih * W + iw).
     */
    public static ValuesAndIndices maxPool2dWithIndices(Tensor x, int[] kernel, int[] stride, int[] padding,
                                                        int[] dilation) {
        PoolShape g = shape("max_pool2d", x, kernel, stride, padding, dilation);
        float[] y = new float[g.outSize()];
        int[] argmax = new int[g.outSize()];
        PoolKernel.selected().maxForward(g, x.data(), 0, y, 0, argmax, 0);
        int[] outShape = outShape(x, g.outH(), g.outW());
        Tensor values = Tensor.result(y, outShape, "max_pool2d", (gradOut, grads) -> {
            if (grads.needs(x)) {
                PoolKernel.selected().maxBackward(g, gradOut, 0, argmax, 0, grads.overwrite(x), 0);
            }
        }, x);
        return new ValuesAndIndices(values, IndexTensor.of(argmax, outShape));
    }

    // ---- average -----------------------------------------------------------------------------------

    /** Average pooling over kernel x kernel windows, stride = kernel, no padding. */
    public static Tensor avgPool2d(Tensor x, int kernel) {
        return avgPool2d(x, kernel, kernel, 0);
    }

    /** Average pooling with the given stride and zero padding counted in the divisor (PyTorch's default). */
    public static Tensor avgPool2d(Tensor x, int kernel, int stride, int padding) {
        return avgPool2d(x, pair(kernel), pair(stride), pair(padding), true);
    }

    /**
     * Average pooling with {height, width} pairs; {@code countIncludePad}: padding counts as zeros
     * in the divisor (kh * kw), else only the input elements of a window count.
     */
    public static Tensor avgPool2d(Tensor x, int[] kernel, int[] stride, int[] padding, boolean countIncludePad) {
        PoolShape g = shape("avg_pool2d", x, kernel, stride, padding, pair(1));
        float[] y = new float[g.outSize()];
        PoolKernel.selected().avgForward(g, countIncludePad, x.data(), 0, y, 0);
        return Tensor.result(y, outShape(x, g.outH(), g.outW()), "avg_pool2d", (gradOut, grads) -> {
            if (grads.needs(x)) {
                PoolKernel.selected().avgBackward(g, countIncludePad, gradOut, 0, grads.overwrite(x), 0);
            }
        }, x);
    }

    /** The mean of each [H, W] plane: [N, C, H, W] -> [N, C, 1, 1] (adaptive average pooling to 1x1). */
    public static Tensor globalAvgPool2d(Tensor x) {
        requireImage("global_avg_pool2d", x);
        int size = x.size(-2) * x.size(-1);
        int planes = x.numel() / size;
        float[] y = new float[planes];
        PoolKernel.selected().globalAvgForward(planes, size, x.data(), 0, y, 0);
        return Tensor.result(y, outShape(x, 1, 1), "global_avg_pool2d", (gradOut, grads) -> {
            if (grads.needs(x)) {
                PoolKernel.selected().globalAvgBackward(planes, size, gradOut, 0, grads.overwrite(x), 0);
            }
        }, x);
    }

    /**
     * PyTorch's adaptive_avg_pool2d: [.., H, W] -> [.., outH, outW], output (i, j) averaging rows
     * [floor(i H / outH), ceil((i + 1) H / outH)) and the columns likewise.
     */
    public static Tensor adaptiveAvgPool2d(Tensor x, int outH, int outW) {
        requireImage("adaptive_avg_pool2d", x);
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException("adaptive_avg_pool2d: output size must be positive, got " + outH + "x" + outW);
        }
        if (outH == 1 && outW == 1) {
            return globalAvgPool2d(x);
        }
        int h = x.size(-2);
        int w = x.size(-1);
        int planes = x.numel() / (h * w);
        float[] y = new float[planes * outH * outW];
        AdaptiveAvgPool.forward(planes, h, w, outH, outW, x.data(), 0, y, 0);
        return Tensor.result(y, outShape(x, outH, outW), "adaptive_avg_pool2d", (gradOut, grads) -> {
            if (grads.needs(x)) {
                AdaptiveAvgPool.backward(planes, h, w, outH, outW, gradOut, 0, grads.overwrite(x), 0);
            }
        }, x);
    }

    // ---- shapes ------------------------------------------------------------------------------------

    private static int[] pair(int v) {
        return new int[]{v, v};
    }

    private static void requireImage(String op, Tensor x) {
        if (x.dim() != 3 && x.dim() != 4) {
            throw new IllegalArgumentException(op + " expects x [N, C, H, W] or [C, H, W], got " + Shape.str(x.shape())
                    + " (rank " + x.dim() + ")");
        }
        if (x.size(-1) == 0 || x.size(-2) == 0) {
            throw new IllegalArgumentException(op + ": x " + Shape.str(x.shape()) + " has an empty plane");
        }
    }

    private static void requirePair(String op, String what, int[] values) {
        if (values == null || values.length != 2) {
            throw new IllegalArgumentException(op + ": " + what + " must be a {height, width} pair, got "
                    + Arrays.toString(values));
        }
    }

    private static PoolShape shape(String op, Tensor x, int[] kernel, int[] stride, int[] padding, int[] dilation) {
        requireImage(op, x);
        requirePair(op, "kernel", kernel);
        requirePair(op, "stride", stride);
        requirePair(op, "padding", padding);
        requirePair(op, "dilation", dilation);
        int[] s = x.shape();
        int rank = s.length;
        int n = rank == 4 ? s[0] : 1;
        try {
            return PoolShape.of(n, s[rank - 3], s[rank - 2], s[rank - 1], kernel[0], kernel[1], stride[0], stride[1],
                    padding[0], padding[1], dilation[0], dilation[1]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(op + " of x " + Shape.str(s) + ": " + e.getMessage(), e);
        }
    }

    /** x's shape with the last two axes replaced by outH, outW. */
    private static int[] outShape(Tensor x, int outH, int outW) {
        int[] s = x.shape();
        s[s.length - 2] = outH;
        s[s.length - 1] = outW;
        return s;
    }
}
