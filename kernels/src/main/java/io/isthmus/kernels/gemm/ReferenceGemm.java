package io.isthmus.kernels.gemm;

/**
 * The oracle: plain loops, double accumulation, obviously right. Slow on purpose; every fast
 * path is tested against this.
 */
public final class ReferenceGemm implements Gemm {

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int p = 0; p < k; p++) {
                    float aip = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float bpj = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    sum += (double) aip * bpj;
                }
                int ci = cOff + i * ldc + j;
                // beta == 0 means C is write-only, as in BLAS (NaN in C must not leak through).
                float prior = beta == 0f ? 0f : beta * c[ci];
                c[ci] = (float) (alpha * sum) + prior;
            }
        }
    }

    @Override
    public String name() {
        return "reference";
    }
}
