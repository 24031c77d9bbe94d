package io.isthmus.nn;

import java.util.Arrays;

/** {height, width} pairs of the pooling layers: checked when the layer is built, printed compactly. */
final class Pairs {

    private Pairs() {
    }

    /** One number when both agree, else [h, w]. */
    static String str(int[] pair) {
        return pair.length == 2 && pair[0] == pair[1] ? Integer.toString(pair[0]) : Arrays.toString(pair);
    }

    /** The settings rules of PyTorch's pooling layers, failing at construction rather than at the first forward. */
    static void check(String layer, int[] kernel, int[] stride, int[] padding, int[] dilation) {
        pair(layer, "kernel", kernel, 1);
        pair(layer, "stride", stride, 1);
        pair(layer, "padding", padding, 0);
        pair(layer, "dilation", dilation, 1);
        if (padding[0] > kernel[0] / 2 || padding[1] > kernel[1] / 2) {
            throw new IllegalArgumentException(layer + ": padding must be at most half the kernel, got padding "
                    + str(padding) + " for kernel " + str(kernel));
        }
    }

    private static void pair(String layer, String what, int[] values, int min) {
        if (values == null || values.length != 2 || values[0] < min || values[1] < min) {
            throw new IllegalArgumentException(layer + ": " + what + " must be a {height, width} pair of values >= " + min
                    + ", got " + Arrays.toString(values));
        }
    }
}
