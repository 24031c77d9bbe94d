package io.isthmus.ops;

import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

import java.util.Arrays;

/**
 * Joining tensors along an axis and cutting one into parts: stack, and split / chunk, the
 * inverse of {@link ShapeOps#concat}. A split is one node with several outputs, so its backward
 * assembles the input's gradient in one pass from the parts that got one (zero for the others).
 */
public final class Joining {

    private Joining() {
    }

    /**
     * Joins equal-shaped tensors along a new axis: n tensors [d0, ..., d(r-1)] -> [d0, .., n, ..]
     * with the new axis at {@code axis} (in [-(r+1), r], negative counting from the end of the result).
     */
    public static Tensor stack(int axis, Tensor... parts) {
        if (parts.length == 0) {
            throw new IllegalArgumentException("stack of no tensors");
        }
        int[] shape = parts[0].shape();
        for (int p = 1; p < parts.length; p++) {
            if (!Arrays.equals(shape, parts[p].shape())) {
                throw new IllegalArgumentException("stack: tensor " + p + " has shape " + Shape.str(parts[p].shape())
                        + " but tensor 0 has " + Shape.str(shape) + "; all must be equal");
            }
        }
        int a = Shape.axis(axis, shape.length + 1);
        int outer = Indexing.product(shape, 0, a);
        int inner = Indexing.product(shape, a, shape.length);
        int count = parts.length;
        int[] outShape = new int[shape.length + 1];
        System.arraycopy(shape, 0, outShape, 0, a);
        outShape[a] = count;
        System.arraycopy(shape, a, outShape, a + 1, shape.length - a);
        float[] out = new float[outer * count * inner];
        for (int p = 0; p < count; p++) {
            float[] d = parts[p].data();
            for (int o = 0; o < outer; o++) {
                System.arraycopy(d, o * inner, out, (o * count + p) * inner, inner);
            }
        }
        return Tensor.result(out, outShape, "stack", (gradOut, grads) -> {
            for (int p = 0; p < count; p++) {
                if (grads.needs(parts[p])) {
                    float[] g = grads.overwrite(parts[p]);
                    for (int o = 0; o < outer; o++) {
                        System.arraycopy(gradOut, (o * count + p) * inner, g, o * inner, inner);
                    }
                }
            }
        }, parts.clone());
    }

    /**
     * Cuts x along {@code axis} into consecutive parts of the given sizes (PyTorch's split with a
     * list of sizes), which must add up to x.size(axis): [.., n, ..] -> [.., sizes[i], ..] each.
     */
    public static Tensor[] split(Tensor x, int axis, int... sizes) {
        int[] shape = x.shape();
        int a = Shape.axis(axis, shape.length);
        if (sizes.length == 0) {
            throw new IllegalArgumentException("split: no sizes given for axis " + axis + " of " + Shape.str(shape));
        }
        long total = 0;
        for (int size : sizes) {
            if (size < 0) {
                throw new IllegalArgumentException("split: negative size in " + Arrays.toString(sizes));
            }
            total += size;
        }
        if (total != shape[a]) {
            throw new IllegalArgumentException("split: sizes " + Arrays.toString(sizes) + " add up to " + total
                    + " but axis " + axis + " of " + Shape.str(shape) + " has " + shape[a]
                    + " (for parts of one size, use splitEvery or chunk)");
        }
        return cut(x, a, sizes.clone());
    }

    /**
     * Cuts x along {@code axis} into parts of {@code size} elements, the last one smaller when
     * size does not divide x.size(axis) (PyTorch's split with one int).
     */
    public static Tensor[] splitEvery(Tensor x, int axis, int size) {
        int[] shape = x.shape();
        int a = Shape.axis(axis, shape.length);
        if (size <= 0) {
            throw new IllegalArgumentException("splitEvery: part size must be positive, got " + size);
        }
        return cut(x, a, equalParts(shape[a], size));
    }

    /**
     * Cuts x along {@code axis} into {@code chunks} parts as PyTorch's chunk: each of
     * ceil(n / chunks) elements, the last smaller, and fewer parts than asked when n is too
     * small to fill them (n = 6, chunks = 4 gives 2, 2, 2).
     */
    public static Tensor[] chunk(Tensor x, int chunks, int axis) {
        int[] shape = x.shape();
        int a = Shape.axis(axis, shape.length);
        if (chunks <= 0) {
            throw new IllegalArgumentException("chunk: number of chunks must be positive, got " + chunks);
        }
        int n = shape[a];
        int size = (n + chunks - 1) / chunks;
        return cut(x, a, size == 0 ? new int[]{0} : equalParts(n, size));
    }

    /** Sizes of consecutive parts of {@code size} covering n (the last one smaller); one empty part when n = 0. */
    private static int[] equalParts(int n, int size) {
        if (n == 0) {
            return new int[]{0};
        }
        int count = (n + size - 1) / size;
        int[] sizes = new int[count];
        Arrays.fill(sizes, size);
        sizes[count - 1] = n - size * (count - 1);
        return sizes;
    }

    /** The parts of x along axis a, of the given sizes (which add up to x.size(a)), as one node. */
    private static Tensor[] cut(Tensor x, int a, int[] sizes) {
        int[] shape = x.shape();
        int outer = Indexing.product(shape, 0, a);
        int inner = Indexing.product(shape, a + 1, shape.length);
        int rowIn = shape[a] * inner;
        int count = sizes.length;
        int[] starts = new int[count];
        float[][] data = new float[count][];
        int[][] shapes = new int[count][];
        float[] xd = x.data();
        for (int p = 0, start = 0; p < count; start += sizes[p], p++) {
            starts[p] = start;
            shapes[p] = shape.clone();
            shapes[p][a] = sizes[p];
            int rowOut = sizes[p] * inner;
            data[p] = new float[outer * rowOut];
            for (int o = 0; o < outer; o++) {
                System.arraycopy(xd, o * rowIn + start * inner, data[p], o * rowOut, rowOut);
            }
        }
        return Tensor.results(data, shapes, "split", (gradOuts, grads) -> {
            float[] g = grads.overwrite(x);
            for (int p = 0; p < count; p++) {
                int rowOut = sizes[p] * inner;
                for (int o = 0; o < outer; o++) {
                    int at = o * rowIn + starts[p] * inner;
                    if (gradOuts[p] == null) {
                        Arrays.fill(g, at, at + rowOut, 0f);
                    } else {
                        System.arraycopy(gradOuts[p], o * rowOut, g, at, rowOut);
                    }
                }
            }
        }, x);
    }
}
