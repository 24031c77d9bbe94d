package io.isthmus.kernels.gemm;

import io.isthmus.nativeblas.OpenBlas;

/** OpenBLAS {@code cblas_sgemm} through Panama, heap arrays passed zero copy. */
public final class BlasGemm implements Gemm {

    private final OpenBlas blas;

    public BlasGemm(OpenBlas blas) {
        this.blas = blas;
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            // Some BLAS builds read A/B even when k == 0; keep the contract without calling in.
            GemmEdges.scaleC(m, n, beta, c, cOff, ldc);
            return;
        }
        blas.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    @Override
    public String name() {
        return "blas";
    }
}
