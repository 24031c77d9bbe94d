package io.isthmus.tensor;

import java.util.Arrays;

/**
 * An int32 tensor of indices: class labels, token ids, the positions returned by argmax or
 * max over an axis, the rows that gather and index-select read. A shape and contiguous
 * row-major {@code int[]} storage; it never takes part in autograd (indices have no gradient).
 * PyTorch stores these as int64; 32 bits cover every vocabulary and data set size here.
 */
public final class IndexTensor implements AnyTensor {

    private final int[] shape;
    private final int[] data;

    private IndexTensor(int[] data, int[] shape) {
        this.data = data;
        this.shape = shape;
    }

    /** Wraps {@code data} (not copied) as indices of {@code shape}; sizes must agree. */
    public static IndexTensor of(int[] data, int... shape) {
        int numel = Shape.numel(shape);
        if (data.length != numel) {
            throw new IllegalArgumentException("index data has " + data.length + " elements but shape " + Shape.str(shape)
                    + " needs " + numel);
        }
        return new IndexTensor(data, shape.clone());
    }

    /** A one-dimensional tensor of the given values: [values.length]. */
    public static IndexTensor vector(int... values) {
        return new IndexTensor(values.clone(), new int[]{values.length});
    }

    public static IndexTensor zeros(int... shape) {
        return new IndexTensor(new int[Shape.numel(shape)], shape.clone());
    }

    /** 0, 1, ..., n - 1: [n]. */
    public static IndexTensor arange(int n) {
        int[] data = new int[n];
        for (int i = 0; i < n; i++) {
            data[i] = i;
        }
        return new IndexTensor(data, new int[]{n});
    }

    /** Indices stored as floats (read from a float file, say); every value must be an integer. */
    public static IndexTensor fromFloats(Tensor values) {
        float[] source = values.data();
        int[] data = new int[source.length];
        for (int i = 0; i < source.length; i++) {
            float v = source[i];
            if (v != Math.rint(v) || Math.abs(v) > (1 << 24)) {
                throw new IllegalArgumentException("element " + i + " of " + Shape.str(values.shape()) + " is " + v
                        + ", not an integer index");
            }
            data[i] = (int) v;
        }
        return new IndexTensor(data, values.shape());
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public int dim() {
        return shape.length;
    }

    @Override
    public int size(int axis) {
        return shape[Shape.axis(axis, shape.length)];
    }

    @Override
    public int numel() {
        return data.length;
    }

    @Override
    public String dtypeName() {
        return "int32";
    }

    /** The storage itself (not a copy), row-major. */
    public int[] data() {
        return data;
    }

    /** The value of a one-element tensor. */
    public int item() {
        if (data.length != 1) {
            throw new IllegalStateException("item() needs a one-element tensor, this one has shape " + Shape.str(shape));
        }
        return data[0];
    }

    /** The element at a full index. */
    public int get(int... index) {
        return data[Shape.flatIndex(index, shape)];
    }

    /** The same values in a new shape (sizes must agree); shares storage. */
    public IndexTensor reshape(int... newShape) {
        return of(data, newShape);
    }

    /** The values as floats (exact below 2^24). */
    public Tensor toFloat() {
        float[] out = new float[data.length];
        for (int i = 0; i < data.length; i++) {
            out[i] = data[i];
        }
        return Tensor.of(out, shape);
    }

    /** Checks that every value is in [0, bound) (or equals {@code allowed}); names the first that is not. */
    public void checkRange(int bound, int allowed, String what) {
        for (int i = 0; i < data.length; i++) {
            int v = data[i];
            if ((v < 0 || v >= bound) && v != allowed) {
                throw new IndexOutOfBoundsException(what + ": index " + v + " at " + Arrays.toString(Shape.unflatten(i, shape))
                        + " of " + Shape.str(shape) + " is out of range [0, " + bound + ")");
            }
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof IndexTensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        int shown = Math.min(data.length, 8);
        StringBuilder text = new StringBuilder("IndexTensor").append(Shape.str(shape)).append(" [");
        for (int i = 0; i < shown; i++) {
            text.append(i == 0 ? "" : ", ").append(data[i]);
        }
        return text.append(data.length > shown ? ", ...]" : "]").toString();
    }
}
