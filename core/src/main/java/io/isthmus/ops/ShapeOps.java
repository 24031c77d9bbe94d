package io.isthmus.ops;

import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

/** Reshape, transpose, slice and concatenate; each backward routes the gradient to where it came from. */
public final class ShapeOps {

    private ShapeOps() {
    }

    /** Same data in a new shape (one dimension may be -1); shares storage with x. */
    public static Tensor reshape(Tensor x, int... newShape) {
        int[] shape = newShape.clone();
        int inferred = -1;
        long known = 1;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == -1) {
                if (inferred >= 0) {
                    throw new IllegalArgumentException("reshape: more than one -1 in " + Shape.str(newShape));
                }
                inferred = d;
            } else if (shape[d] < 0) {
                throw new IllegalArgumentException("reshape: negative dimension in " + Shape.str(newShape));
            } else {
                known *= shape[d];
            }
        }
        if (inferred >= 0) {
            if (known == 0 || x.numel() % known != 0) {
                throw new IllegalArgumentException("reshape: cannot reshape " + Shape.str(x.shape()) + " to "
                        + Shape.str(newShape));
            }
            shape[inferred] = (int) (x.numel() / known);
        }
        if (Shape.numel(shape) != x.numel()) {
            throw new IllegalArgumentException("reshape: " + Shape.str(x.shape()) + " has " + x.numel()
                    + " elements, " + Shape.str(newShape) + " has " + Shape.numel(shape));
        }
        return Tensor.result(x.data(), shape, "reshape", (gradOut, grads) -> grads.give(x, gradOut), x);
    }

    /** Swaps two axes (copying the data); x: [..., a, ..., b, ...] -> [..., b, ..., a, ...]. */
    public static Tensor transpose(Tensor x, int axis0, int axis1) {
        int rank = x.dim();
        int[] order = new int[rank];
        for (int d = 0; d < rank; d++) {
            order[d] = d;
        }
        int a = Shape.axis(axis0, rank);
        int b = Shape.axis(axis1, rank);
        order[a] = b;
        order[b] = a;
        return permute(x, order);
    }

    /** Reorders axes: result axis d is x's axis {@code order[d]}. */
    public static Tensor permute(Tensor x, int... order) {
        int[] shape = x.shape();
        int rank = shape.length;
        if (order.length != rank) {
            throw new IllegalArgumentException("permute: order " + Shape.str(order) + " does not match rank " + rank);
        }
        boolean[] seen = new boolean[rank];
        int[] outShape = new int[rank];
        for (int d = 0; d < rank; d++) {
            int src = Shape.axis(order[d], rank);
            if (seen[src]) {
                throw new IllegalArgumentException("permute: axis " + order[d] + " repeated in " + Shape.str(order));
            }
            seen[src] = true;
            outShape[d] = shape[src];
        }
        int[] inStrides = Shape.strides(shape);
        int n = x.numel();
        // source index of every output element
        int[] source = new int[n];
        int[] counter = new int[rank];
        int offset = 0;
        for (int i = 0; i < n; i++) {
            source[i] = offset;
            for (int d = rank - 1; d >= 0; d--) {
                int stride = inStrides[Shape.axis(order[d], rank)];
                counter[d]++;
                offset += stride;
                if (counter[d] < outShape[d]) {
                    break;
                }
                offset -= stride * counter[d];
                counter[d] = 0;
            }
        }
        float[] xd = x.data();
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = xd[source[i]];
        }
        return Tensor.result(out, outShape, "permute", (gradOut, grads) -> {
            float[] g = grads.overwrite(x);
            for (int i = 0; i < n; i++) {
                g[source[i]] = gradOut[i];
            }
        }, x);
    }

    /** Elements [start, end) along {@code axis}. */
    public static Tensor slice(Tensor x, int axis, int start, int end) {
        int[] shape = x.shape();
        int a = Shape.axis(axis, shape.length);
        if (start < 0 || end > shape[a] || start > end) {
            throw new IllegalArgumentException("slice [" + start + ", " + end + ") is out of range for axis " + axis
                    + " of shape " + Shape.str(shape));
        }
        int outer = product(shape, 0, a);
        int inner = product(shape, a + 1, shape.length);
        int length = end - start;
        int[] outShape = shape.clone();
        outShape[a] = length;
        float[] xd = x.data();
        float[] out = new float[outer * length * inner];
        int rowIn = shape[a] * inner;
        int rowOut = length * inner;
        for (int o = 0; o < outer; o++) {
            System.arraycopy(xd, o * rowIn + start * inner, out, o * rowOut, rowOut);
        }
        int axisSize = shape[a];
        return Tensor.result(out, outShape, "slice", (gradOut, grads) -> {
            float[] g = grads.zeroed(x);
            for (int o = 0; o < outer; o++) {
                System.arraycopy(gradOut, o * rowOut, g, o * axisSize * inner + start * inner, rowOut);
            }
        }, x);
    }

    /** Joins tensors along {@code axis}; all other dimensions must agree. */
    public static Tensor concat(int axis, Tensor... parts) {
        if (parts.length == 0) {
            throw new IllegalArgumentException("concat of no tensors");
        }
        int[] first = parts[0].shape();
        int a = Shape.axis(axis, first.length);
        int total = 0;
        for (Tensor part : parts) {
            int[] s = part.shape();
            boolean compatible = s.length == first.length;
            for (int d = 0; compatible && d < s.length; d++) {
                compatible = d == a || s[d] == first[d];
            }
            if (!compatible) {
                throw new IllegalArgumentException("concat along axis " + axis + ": shapes " + Shape.str(first) + " and "
                        + Shape.str(s) + " differ outside that axis");
            }
            total += s[a];
        }
        int totalAlongAxis = total;
        int outer = product(first, 0, a);
        int inner = product(first, a + 1, first.length);
        int[] outShape = first.clone();
        outShape[a] = total;
        float[] out = new float[outer * total * inner];
        int[] starts = new int[parts.length];
        int start = 0;
        for (int p = 0; p < parts.length; p++) {
            starts[p] = start;
            int length = parts[p].size(a) * inner;
            for (int o = 0; o < outer; o++) {
                System.arraycopy(parts[p].data(), o * length, out, o * total * inner + start * inner, length);
            }
            start += parts[p].size(a);
        }
        int rowOut = totalAlongAxis * inner;
        return Tensor.result(out, outShape, "concat", (gradOut, grads) -> {
            for (int p = 0; p < parts.length; p++) {
                if (grads.needs(parts[p])) {
                    float[] g = grads.overwrite(parts[p]);
                    int length = parts[p].size(a) * inner;
                    for (int o = 0; o < outer; o++) {
                        System.arraycopy(gradOut, o * rowOut + starts[p] * inner, g, o * length, length);
                    }
                }
            }
        }, parts);
    }

    /** Product of shape[from..to). */
    private static int product(int[] shape, int from, int to) {
        int product = 1;
        for (int d = from; d < to; d++) {
            product *= shape[d];
        }
        return product;
    }
}
