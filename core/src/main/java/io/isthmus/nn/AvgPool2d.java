package io.isthmus.nn;

import io.isthmus.ops.Pooling;
import io.isthmus.tensor.Tensor;

/**
 * PyTorch's AvgPool2d (floor mode): the mean of each window. x: [N, C, H, W] or [C, H, W].
 * Stride defaults to the kernel; zero padding counts in the divisor unless
 * {@code countIncludePad} is false (PyTorch's count_include_pad, default true).
 */
public class AvgPool2d extends Layer {

    private final int[] kernel;
    private final int[] stride;
    private final int[] padding;
    private final boolean countIncludePad;

    /** kernel x kernel windows, stride = kernel, no padding. */
    public AvgPool2d(int kernel) {
        this(kernel, kernel, 0);
    }

    public AvgPool2d(int kernel, int stride, int padding) {
        this(new int[]{kernel, kernel}, new int[]{stride, stride}, new int[]{padding, padding}, true);
    }

    /** {height, width} pairs; stride null means stride = kernel. */
    public AvgPool2d(int[] kernel, int[] stride, int[] padding, boolean countIncludePad) {
        this.kernel = kernel == null ? null : kernel.clone();
        this.stride = stride == null ? this.kernel : stride.clone();
        this.padding = padding == null ? null : padding.clone();
        this.countIncludePad = countIncludePad;
        Pairs.check("AvgPool2d", this.kernel, this.stride, this.padding, new int[]{1, 1});
    }

    @Override
    protected Tensor compute(Tensor input) {
        return Pooling.avgPool2d(input, kernel, stride, padding, countIncludePad);
    }

    @Override
    public String describe() {
        return "kernel=" + Pairs.str(kernel) + ", stride=" + Pairs.str(stride) + ", padding=" + Pairs.str(padding)
                + (countIncludePad ? "" : ", count_include_pad=false");
    }
}
