package io.isthmus.io;

import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

import java.util.Arrays;
import java.util.Objects;

/**
 * One tensor as stored in a safetensors file: its dtype, shape and elements in row-major order.
 * Float dtypes (F32, F64, F16, BF16) hold their elements in {@code floats} ({@code longs} is
 * null); integer dtypes (I64, I32, I16, I8, U8, BOOL) in {@code longs} ({@code floats} is null).
 *
 * <p>The element arrays are shared, not copied, so multi-megabyte weights are not duplicated.
 * {@link #equals} compares floats bit for bit, so NaN payloads and -0.0 count.
 *
 * @param dtype  element type in the file
 * @param shape  dimensions, each &gt;= 0; {@code []} is a scalar with one element
 * @param floats elements of a float dtype, length = product of shape; else null
 * @param longs  elements of an integer dtype, length = product of shape; else null
 */
public record StoredTensor(DType dtype, int[] shape, float[] floats, long[] longs) {

    public StoredTensor {
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(shape, "shape");
        shape = shape.clone();
        long numel = numel(shape);
        if (dtype.isFloatingPoint()) {
            if (floats == null || longs != null) {
                throw new IllegalArgumentException(
                        "dtype " + dtype + " holds its elements in floats: need floats != null and longs == null");
            }
            if (floats.length != numel) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has " + numel
                        + " elements but floats has " + floats.length);
            }
        } else {
            if (longs == null || floats != null) {
                throw new IllegalArgumentException(
                        "dtype " + dtype + " holds its elements in longs: need longs != null and floats == null");
            }
            if (longs.length != numel) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has " + numel
                        + " elements but longs has " + longs.length);
            }
        }
    }

    /** An F32 tensor of {@code shape} over {@code data} (not copied). */
    public static StoredTensor f32(float[] data, int... shape) {
        return new StoredTensor(DType.F32, shape, data, null);
    }

    /** An I64 tensor of {@code shape} over {@code data} (not copied). */
    public static StoredTensor i64(long[] data, int... shape) {
        return new StoredTensor(DType.I64, shape, null, data);
    }

    /** An F32 tensor sharing {@code tensor}'s storage and shape (no gradient, no graph). */
    public static StoredTensor of(Tensor tensor) {
        return f32(tensor.data(), tensor.shape());
    }

    /**
     * An I64 tensor of {@code tensor}'s shape and values, which must be whole numbers (a counter
     * kept as float32, such as BatchNorm's num_batches_tracked); fails naming {@code name}, the
     * value and where it is otherwise.
     */
    public static StoredTensor wholeNumbers(String name, Tensor tensor) {
        float[] values = tensor.data();
        long[] out = new long[values.length];
        for (int i = 0; i < out.length; i++) {
            float v = values[i];
            if (v != Math.rint(v) || Float.isInfinite(v)) {
                throw new IllegalArgumentException("'" + name + "' is stored as I64 but holds " + v + " at "
                        + Arrays.toString(Shape.unflatten(i, tensor.shape())) + " of " + Shape.str(tensor.shape()));
            }
            out[i] = (long) v;
        }
        return new StoredTensor(DType.I64, tensor.shape(), null, out);
    }

    /**
     * An I64 tensor (PyTorch's index dtype, {@code torch.long}) of {@code indices}' shape and
     * values, converted to longs.
     */
    public static StoredTensor of(IndexTensor indices) {
        return of(indices, DType.I64);
    }

    /** An I64 or I32 tensor of {@code indices}' shape and values. */
    public static StoredTensor of(IndexTensor indices, DType dtype) {
        if (dtype != DType.I64 && dtype != DType.I32) {
            throw new IllegalArgumentException("index tensors are stored as I64 or I32, not " + dtype);
        }
        int[] values = indices.data();
        long[] out = new long[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = values[i];
        }
        return new StoredTensor(dtype, indices.shape(), null, out);
    }

    /**
     * An {@link IndexTensor} of this shape, for an integer dtype (I64, I32, I16, I8, U8, BOOL):
     * labels, token ids. Fails, naming the first such value and where it is, if a value does
     * not fit in an int; fails for float dtypes (read those with {@link #toTensor()}).
     */
    public IndexTensor toIndexTensor() {
        if (longs == null) {
            throw new IllegalArgumentException("a " + dtype + " tensor " + Shape.str(shape) + " holds floats, not indices; "
                    + "read it with toTensor() (or convert integral floats with IndexTensor.fromFloats)");
        }
        int[] out = new int[longs.length];
        for (int i = 0; i < out.length; i++) {
            long v = longs[i];
            if (v != (int) v) {
                throw new IllegalArgumentException(dtype + " value " + v + " at " + Arrays.toString(Shape.unflatten(i, shape))
                        + " of " + Shape.str(shape) + " is outside the int32 range of an IndexTensor ["
                        + Integer.MIN_VALUE + ", " + Integer.MAX_VALUE + "]");
            }
            out[i] = (int) v;
        }
        return IndexTensor.of(out, shape);
    }

    /**
     * A float32 {@link Tensor} of this shape: over {@code floats} itself for float dtypes, over
     * converted values for integer dtypes (class indices become floats).
     */
    public Tensor toTensor() {
        return Tensor.of(toFloats(), shape);
    }

    /** A copy of the dimensions. */
    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** Number of elements: the product of the dimensions (1 for a scalar). */
    public int numel() {
        return dtype.isFloatingPoint() ? floats.length : longs.length;
    }

    /**
     * The elements as floats: {@code floats} itself for float dtypes, a converted copy for
     * integer dtypes (class indices, for example).
     */
    public float[] toFloats() {
        if (floats != null) {
            return floats;
        }
        float[] out = new float[longs.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = longs[i];
        }
        return out;
    }

    static long numel(int[] shape) {
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension " + d + " in shape " + Arrays.toString(shape));
            }
            if (d == 0) {
                return 0;
            }
        }
        long n = 1;
        for (int d : shape) {
            n *= d; // stays below 2^62: n <= Integer.MAX_VALUE before each step
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(
                        "shape " + Arrays.toString(shape) + " has more elements than a Java array holds");
            }
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoredTensor t
                && dtype == t.dtype
                && Arrays.equals(shape, t.shape)
                && Arrays.equals(longs, t.longs)
                && bitwiseEqual(floats, t.floats);
    }

    private static boolean bitwiseEqual(float[] a, float[] b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return Objects.hash(dtype, Arrays.hashCode(shape), Arrays.hashCode(floats), Arrays.hashCode(longs));
    }

    @Override
    public String toString() {
        return "StoredTensor[" + dtype + " " + Arrays.toString(shape) + "]";
    }
}
