package io.isthmus.ops;

import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

import java.util.Arrays;

/**
 * Reading and writing at integer positions: embedding lookup, gather, index-select and
 * scatter-add, with PyTorch's semantics. Forward reads or writes where the indices say; backward
 * routes each gradient back to the position it came from, adding where a position was used more
 * than once. Indices are copied when the op is recorded, so a caller may reuse its index buffer.
 */
public final class Indexing {

    private Indexing() {
    }

    // ---- embedding ---------------------------------------------------------------------------

    /** Row lookup: weight: [V, D]; ids: [...] with values in [0, V); result: [..., D]. */
    public static Tensor embedding(Tensor weight, IndexTensor ids) {
        return lookup(weight, ids, -1);
    }

    /**
     * Row lookup where row {@code paddingIdx} (in [-V, V), negative counting from the end, as in
     * PyTorch) gets no gradient: weight: [V, D]; ids: [...]; result: [..., D].
     */
    public static Tensor embedding(Tensor weight, IndexTensor ids, int paddingIdx) {
        return lookup(weight, ids, paddingRow(paddingIdx, embeddingRows(weight)));
    }

    /** paddingIdx as a row of [0, rows), checked as PyTorch does. */
    public static int paddingRow(int paddingIdx, int rows) {
        if (paddingIdx < -rows || paddingIdx >= rows) {
            throw new IllegalArgumentException("embedding: padding index " + paddingIdx + " is out of range for "
                    + rows + " embeddings (allowed: " + -rows + " to " + (rows - 1) + ")");
        }
        return paddingIdx < 0 ? paddingIdx + rows : paddingIdx;
    }

    private static int embeddingRows(Tensor weight) {
        if (weight.dim() != 2) {
            throw new IllegalArgumentException("embedding: weight must be [num_embeddings, dim], got "
                    + Shape.str(weight.shape()));
        }
        return weight.size(0);
    }

    /** The lookup; {@code padding} is a row of weight, or -1 for none. */
    private static Tensor lookup(Tensor weight, IndexTensor ids, int padding) {
        int rows = embeddingRows(weight);
        int dim = weight.size(1);
        int[] idShape = ids.shape();
        int[] id = ids.data().clone();
        for (int p = 0; p < id.length; p++) {
            if (id[p] < 0 || id[p] >= rows) {
                throw new IllegalArgumentException("embedding: id " + id[p] + " at " + position(p, idShape) + " of ids "
                        + Shape.str(idShape) + " is out of range for " + rows + " embeddings (valid ids: 0 to "
                        + (rows - 1) + ")");
            }
        }
        int[] outShape = Arrays.copyOf(idShape, idShape.length + 1);
        outShape[idShape.length] = dim;
        float[] w = weight.data();
        float[] out = new float[id.length * dim];
        for (int p = 0; p < id.length; p++) {
            System.arraycopy(w, id[p] * dim, out, p * dim, dim);
        }
        return Tensor.result(out, outShape, "embedding", (gradOut, grads) -> {
            // a row used several times gets the sum of its uses; the padding row gets nothing
            float[] g = grads.zeroed(weight);
            for (int p = 0; p < id.length; p++) {
                if (id[p] != padding) {
                    Ops.kernels().axpy(1f, gradOut, p * dim, g, id[p] * dim, dim);
                }
            }
        }, weight);
    }

    // ---- gather and scatter-add --------------------------------------------------------------

    /**
     * PyTorch's gather: along {@code axis}, out[i][j][k] = x[i][index[i][j][k]][k] (axis 1).
     * x: [...]; index: the same rank, index.size(d) <= x.size(d) for d != axis, values in
     * [0, x.size(axis)); result: index's shape. Backward scatter-adds into x's gradient.
     */
    public static Tensor gather(Tensor x, int axis, IndexTensor index) {
        int[] xs = x.shape();
        int a = Shape.axis(axis, xs.length);
        checkIndexFits("gather", "x", xs, a, index, true);
        int[] source = positions("gather", xs, a, index, "x");
        float[] xd = x.data();
        float[] out = new float[source.length];
        for (int i = 0; i < source.length; i++) {
            out[i] = xd[source[i]];
        }
        return Tensor.result(out, index.shape(), "gather", (gradOut, grads) -> {
            float[] g = grads.zeroed(x);
            for (int i = 0; i < source.length; i++) {
                g[source[i]] += gradOut[i];
            }
        }, x);
    }

    /**
     * PyTorch's scatter_add: a copy of base with, along {@code axis}, out[i][index[i][j][k]][k]
     * += src[i][j][k] (axis 1). base: [...]; index and src: the same rank, index.size(d) <=
     * src.size(d) for every d and <= base.size(d) for d != axis (src elements outside index's
     * extent are not used); result: base's shape. Differentiable in base and src.
     */
    public static Tensor scatterAdd(Tensor base, int axis, IndexTensor index, Tensor src) {
        int[] bs = base.shape();
        int[] ss = src.shape();
        int[] is = index.shape();
        int a = Shape.axis(axis, bs.length);
        checkIndexFits("scatter_add", "base", bs, a, index, true);
        checkIndexFits("scatter_add", "src", ss, a, index, false);
        int[] target = positions("scatter_add", bs, a, index, "base");
        int[] from = offsets(is, Shape.strides(ss));
        float[] sd = src.data();
        float[] out = base.data().clone();
        for (int i = 0; i < target.length; i++) {
            out[target[i]] += sd[from[i]];
        }
        boolean srcCovered = Arrays.equals(is, ss);
        return Tensor.result(out, bs, "scatter_add", (gradOut, grads) -> {
            if (grads.needs(src)) {
                // each used src element went to one output element; unused ones got no gradient
                float[] g = srcCovered ? grads.overwrite(src) : grads.zeroed(src);
                for (int i = 0; i < target.length; i++) {
                    g[from[i]] = gradOut[target[i]];
                }
            }
            if (grads.needs(base)) {
                grads.give(base, gradOut);
            }
        }, base, src);
    }

    /**
     * Checks index's rank against {@code shape} and its sizes: at most shape's along every axis
     * but {@code axis} (along {@code axis} too unless {@code axisFree}).
     */
    private static void checkIndexFits(String op, String name, int[] shape, int axis, IndexTensor index, boolean axisFree) {
        int[] is = index.shape();
        if (is.length != shape.length) {
            throw new IllegalArgumentException(op + ": index " + Shape.str(is) + " has rank " + is.length + " but " + name
                    + " " + Shape.str(shape) + " has rank " + shape.length + "; they must be equal");
        }
        for (int d = 0; d < is.length; d++) {
            if ((d != axis || !axisFree) && is[d] > shape[d]) {
                throw new IllegalArgumentException(op + ": index " + Shape.str(is) + " is larger than " + name + " "
                        + Shape.str(shape) + " along axis " + d + " (" + is[d] + " > " + shape[d] + ")"
                        + (axisFree ? "; only axis " + axis + " may differ" : ""));
            }
        }
    }

    /**
     * For every element of index, the flat position in a tensor of {@code shape} that it points
     * to: its own coordinates, with the one along {@code axis} replaced by its value.
     */
    private static int[] positions(String op, int[] shape, int axis, IndexTensor index, String name) {
        int[] strides = Shape.strides(shape);
        int axisStride = strides[axis];
        strides[axis] = 0;
        int[] is = index.shape();
        int[] positions = offsets(is, strides);
        int[] values = index.data();
        int bound = shape[axis];
        for (int i = 0; i < positions.length; i++) {
            int v = values[i];
            if (v < 0 || v >= bound) {
                throw new IllegalArgumentException(op + ": index " + v + " at " + position(i, is) + " of index "
                        + Shape.str(is) + " is out of range for axis " + axis + " of " + name + " " + Shape.str(shape)
                        + " (size " + bound + ")");
            }
            positions[i] += v * axisStride;
        }
        return positions;
    }

    /** For every element (row-major) of {@code shape}, the sum of its coordinates times {@code strides}. */
    private static int[] offsets(int[] shape, int[] strides) {
        int rank = shape.length;
        int total = Shape.numel(shape);
        int[] offsets = new int[total];
        int[] counter = new int[rank];
        int offset = 0;
        for (int i = 0; i < total; i++) {
            offsets[i] = offset;
            for (int d = rank - 1; d >= 0; d--) {
                counter[d]++;
                offset += strides[d];
                if (counter[d] < shape[d]) {
                    break;
                }
                offset -= strides[d] * counter[d];
                counter[d] = 0;
            }
        }
        return offsets;
    }

    // ---- index select ------------------------------------------------------------------------

    /**
     * PyTorch's index_select: the slices of x at {@code index} along {@code axis}, in index's
     * order (repeats allowed). x: [..., n, ...]; index: [L] (or a scalar, L = 1) with values in
     * [0, n); result: [..., L, ...]. Backward adds each slice's gradient back at its index.
     */
    public static Tensor indexSelect(Tensor x, int axis, IndexTensor index) {
        int[] xs = x.shape();
        int a = Shape.axis(axis, xs.length);
        if (index.dim() > 1) {
            throw new IllegalArgumentException("index_select: index must be one-dimensional, got " + Shape.str(index.shape()));
        }
        int n = xs[a];
        int[] picks = index.data().clone();
        for (int j = 0; j < picks.length; j++) {
            if (picks[j] < 0 || picks[j] >= n) {
                throw new IllegalArgumentException("index_select: index " + picks[j] + " at position " + j
                        + " is out of range for axis " + axis + " of x " + Shape.str(xs) + " (size " + n + ")");
            }
        }
        int outer = product(xs, 0, a);
        int inner = product(xs, a + 1, xs.length);
        int count = picks.length;
        int[] outShape = xs.clone();
        outShape[a] = count;
        float[] xd = x.data();
        float[] out = new float[outer * count * inner];
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < count; j++) {
                System.arraycopy(xd, (o * n + picks[j]) * inner, out, (o * count + j) * inner, inner);
            }
        }
        return Tensor.result(out, outShape, "index_select", (gradOut, grads) -> {
            float[] g = grads.zeroed(x);
            for (int o = 0; o < outer; o++) {
                for (int j = 0; j < count; j++) {
                    Ops.kernels().axpy(1f, gradOut, (o * count + j) * inner, g, (o * n + picks[j]) * inner, inner);
                }
            }
        }, x);
    }

    /** "[1, 3]": the coordinates of flat position {@code flat} in {@code shape}, for messages. */
    static String position(int flat, int[] shape) {
        return Arrays.toString(Shape.unflatten(flat, shape));
    }

    /** Product of shape[from..to). */
    static int product(int[] shape, int from, int to) {
        int product = 1;
        for (int d = from; d < to; d++) {
            product *= shape[d];
        }
        return product;
    }
}
