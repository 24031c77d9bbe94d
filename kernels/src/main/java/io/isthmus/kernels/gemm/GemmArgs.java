package io.isthmus.kernels.gemm;

/** Checks sgemm arguments at the API boundary, so kernels never index out of bounds. */
public final class GemmArgs {

    private GemmArgs() {
    }

    /**
     * Throws {@link IllegalArgumentException} naming the offending values when the arguments do
     * not describe matrices that fit in their arrays.
     */
    public static void check(boolean transA, boolean transB, int m, int n, int k,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("sgemm: negative size m=" + m + ", n=" + n + ", k=" + k);
        }
        if (c == null || (k > 0 && (a == null || b == null))) {
            throw new IllegalArgumentException("sgemm: null array (a=" + describe(a) + ", b=" + describe(b)
                    + ", c=" + describe(c) + ")");
        }
        int aRows = transA ? k : m;
        int aCols = transA ? m : k;
        int bRows = transB ? n : k;
        int bCols = transB ? k : n;
        if (k > 0) {
            checkOne("A", transA, aRows, aCols, a, aOff, lda);
            checkOne("B", transB, bRows, bCols, b, bOff, ldb);
        }
        checkOne("C", false, m, n, c, cOff, ldc);
    }

    private static void checkOne(String name, boolean trans, int rows, int cols, float[] array, int off, int ld) {
        String stored = name + (trans ? " (transposed, stored [" : " (stored [") + rows + ", " + cols + "])";
        if (ld < Math.max(1, cols)) {
            throw new IllegalArgumentException("sgemm: leading dimension ld" + name.toLowerCase() + "=" + ld
                    + " is smaller than the row length " + cols + " of " + stored);
        }
        if (off < 0) {
            throw new IllegalArgumentException("sgemm: negative offset " + off + " for " + stored);
        }
        if (rows == 0 || cols == 0) {
            return;
        }
        long last = (long) off + (long) (rows - 1) * ld + cols;
        if (last > array.length) {
            throw new IllegalArgumentException("sgemm: " + stored + " with offset " + off + " and leading dimension "
                    + ld + " needs " + last + " elements, but the array holds " + array.length);
        }
    }

    private static String describe(float[] array) {
        return array == null ? "null" : "float[" + array.length + "]";
    }
}
