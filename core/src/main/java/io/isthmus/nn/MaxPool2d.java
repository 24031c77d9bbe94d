package io.isthmus.nn;

import io.isthmus.ops.Pooling;
import io.isthmus.tensor.Tensor;

import java.util.Arrays;

/**
 * PyTorch's MaxPool2d (floor mode): the largest value of each window, padding counting as -inf.
 * x: [N, C, H, W] or [C, H, W] -> [.., outH, outW] with
 * out = (in + 2 padding - dilation (kernel - 1) - 1) / stride + 1. Stride defaults to the kernel.
 */
public class MaxPool2d extends Layer {

    private final int[] kernel;
    private final int[] stride;
    private final int[] padding;
    private final int[] dilation;

    /** kernel x kernel windows, stride = kernel, no padding. */
    public MaxPool2d(int kernel) {
        this(kernel, kernel, 0);
    }

    public MaxPool2d(int kernel, int stride, int padding) {
        this(new int[]{kernel, kernel}, new int[]{stride, stride}, new int[]{padding, padding}, new int[]{1, 1});
    }

    /** {height, width} pairs; stride null means stride = kernel. */
    public MaxPool2d(int[] kernel, int[] stride, int[] padding, int[] dilation) {
        this.kernel = kernel == null ? null : kernel.clone();
        this.stride = stride == null ? this.kernel : stride.clone();
        this.padding = padding == null ? null : padding.clone();
        this.dilation = dilation == null ? null : dilation.clone();
        Pairs.check("MaxPool2d", this.kernel, this.stride, this.padding, this.dilation);
    }

    @Override
    protected Tensor compute(Tensor input) {
        return Pooling.maxPool2d(input, kernel, stride, padding, dilation);
    }

    @Override
    public String describe() {
        return "kernel=" + Pairs.str(kernel) + ", stride=" + Pairs.str(stride) + ", padding=" + Pairs.str(padding)
                + (Arrays.equals(dilation, new int[]{1, 1}) ? "" : ", dilation=" + Pairs.str(dilation));
    }
}
