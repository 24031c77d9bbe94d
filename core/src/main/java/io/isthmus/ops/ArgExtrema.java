package io.isthmus.ops;

import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

/**
 * Positions of the largest and smallest elements, as PyTorch's argmax and argmin: ties go to the
 * first position, and NaN counts as larger (argmax) or smaller (argmin) than every number, so the
 * first NaN wins, as in PyTorch. Results are index tensors and take no part in autograd.
 */
public final class ArgExtrema {

    private ArgExtrema() {
    }

    /** Flat row-major position of the largest element of x (any shape, not empty); result: []. */
    public static IndexTensor argmax(Tensor x) {
        return whole(x, true);
    }

    /** Flat row-major position of the smallest element of x; result: []. */
    public static IndexTensor argmin(Tensor x) {
        return whole(x, false);
    }

    /** Along {@code axis}: x [..., n, ...] -> [..., ...] (or [..., 1, ...] with keepDim), values in [0, n). */
    public static IndexTensor argmax(Tensor x, int axis, boolean keepDim) {
        return along(x, axis, keepDim, true);
    }

    /** Along {@code axis}, as {@link #argmax(Tensor, int, boolean)} for the smallest element. */
    public static IndexTensor argmin(Tensor x, int axis, boolean keepDim) {
        return along(x, axis, keepDim, false);
    }

    private static IndexTensor whole(Tensor x, boolean max) {
        if (x.numel() == 0) {
            throw new IllegalArgumentException((max ? "argmax" : "argmin") + " of an empty tensor of shape "
                    + Shape.str(x.shape()));
        }
        return IndexTensor.of(new int[]{best(x.data(), 0, x.numel(), 1, max)});
    }

    private static IndexTensor along(Tensor x, int axis, boolean keepDim, boolean max) {
        int[] shape = x.shape();
        int a = Shape.axis(axis, shape.length);
        int n = shape[a];
        if (n == 0) {
            throw new IllegalArgumentException((max ? "argmax" : "argmin") + " along axis " + axis + " of shape "
                    + Shape.str(shape) + ", which has size 0");
        }
        int outer = Indexing.product(shape, 0, a);
        int inner = Indexing.product(shape, a + 1, shape.length);
        float[] xd = x.data();
        int[] out = new int[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                out[o * inner + i] = best(xd, o * n * inner + i, n, inner, max);
            }
        }
        int[] outShape;
        if (keepDim) {
            outShape = shape.clone();
            outShape[a] = 1;
        } else {
            outShape = new int[shape.length - 1];
            System.arraycopy(shape, 0, outShape, 0, a);
            System.arraycopy(shape, a + 1, outShape, a, shape.length - a - 1);
        }
        return IndexTensor.of(out, outShape);
    }

    /** Position j in [0, n) of the best of x[start + j * stride]; the first one on ties, the first NaN if any. */
    private static int best(float[] x, int start, int n, int stride, boolean max) {
        int bestAt = 0;
        float best = x[start];
        if (Float.isNaN(best)) {
            return 0;
        }
        for (int j = 1; j < n; j++) {
            float v = x[start + j * stride];
            if (Float.isNaN(v)) {
                return j;
            }
            if (max ? v > best : v < best) {
                best = v;
                bestAt = j;
            }
        }
        return bestAt;
    }
}
