package io.isthmus.tensor;

import java.util.Arrays;

/** Shape arithmetic: sizes, strides, broadcasting and readable messages. */
public final class Shape {

    private Shape() {
    }

    /** Number of elements; throws on negative dims or overflow past int. */
    public static int numel(int... shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + str(shape));
            }
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("shape " + str(shape) + " has more than 2^31-1 elements");
            }
        }
        return (int) n;
    }

    /** Row-major strides in elements. */
    public static int[] strides(int[] shape) {
        int[] strides = new int[shape.length];
        int stride = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            strides[d] = stride;
            stride *= shape[d];
        }
        return strides;
    }

    /** "[2, 3]" for messages. */
    public static String str(int[] shape) {
        return Arrays.toString(shape);
    }

    /** Normalizes a possibly negative axis for a tensor of rank {@code rank}. */
    public static int axis(int axis, int rank) {
        int normalized = axis < 0 ? axis + rank : axis;
        if (normalized < 0 || normalized >= rank) {
            throw new IllegalArgumentException("axis " + axis + " is out of range for a tensor of rank " + rank);
        }
        return normalized;
    }

    /** NumPy broadcasting of two shapes; the message names both when they do not broadcast. */
    public static int[] broadcast(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("shapes " + str(a) + " and " + str(b) + " do not broadcast (dimension "
                        + i + ": " + da + " vs " + db + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Row-major flat position of a full index; names the index and shape when it does not fit. */
    public static int flatIndex(int[] index, int[] shape) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("index " + Arrays.toString(index) + " has rank " + index.length
                    + " but the tensor has shape " + str(shape));
        }
        int flat = 0;
        for (int d = 0; d < shape.length; d++) {
            if (index[d] < 0 || index[d] >= shape[d]) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " is out of bounds for shape "
                        + str(shape));
            }
            flat = flat * shape[d] + index[d];
        }
        return flat;
    }

    /** The full index of flat position {@code flat} in {@code shape}. */
    public static int[] unflatten(int flat, int[] shape) {
        int[] index = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            index[d] = shape[d] == 0 ? 0 : flat % shape[d];
            flat = shape[d] == 0 ? 0 : flat / shape[d];
        }
        return index;
    }
}
