package io.isthmus.kernels.gemm;

/**
 * Single-precision matrix multiply with the BLAS contract on row-major heap arrays:
 * {@code C = alpha * op(A) * op(B) + beta * C}.
 *
 * <p>Shapes: op(A): [m, k], op(B): [k, n], C: [m, n]. A is stored as [m, lda] rows
 * (or [k, lda] when {@code transA}), B as [k, ldb] (or [n, ldb] when {@code transB}),
 * C as [m, ldc]; each starts at its offset. When {@code beta == 0}, C is not read
 * (NaN in C does not propagate), as in BLAS.
 *
 * <p>Implementations assume validated arguments; {@link GemmArgs#check} is the API boundary.
 */
public interface Gemm {

    void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
               float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
               float beta, float[] c, int cOff, int ldc);

    /**
     * {@code C = alpha * op(A) * op(B) + beta * C} with op(B) [k, n] prepared for many products
     * (see {@link PreparedB}); a: [m, lda] (or [k, lda] when {@code transA}). Same results as
     * {@link #sgemm(boolean, boolean, int, int, int, float, float[], int, int, float[], int, int, float, float[], int, int)}
     * on B's array, bit for bit; a backend that packs B does it once instead of at every call.
     */
    default void sgemm(boolean transA, int m, float alpha, float[] a, int aOff, int lda, PreparedB b,
                       float beta, float[] c, int cOff, int ldc) {
        sgemm(transA, b.transB(), m, b.n(), b.k(), alpha, a, aOff, lda, b.array(), b.offset(), b.ldb(),
                beta, c, cOff, ldc);
    }

    /** Short name for logs and benchmarks: reference, simd, blas, auto. */
    String name();
}
