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

    /** Products at most this big (m * n * k) run on SIMD: the Panama call costs more than the work. */
    static final long TINY_WORK = 8 * 8 * 8;

    /**
     * The measured crossover rule (GemmBenchmark, bench/README.md): OpenBLAS is faster almost
     * everywhere on this machine, except for tiny products, and, with two or more threads, tall
     * skinny products (many rows, n and k at most 64), where OpenBLAS does not split the rows well.
     */
    static boolean prefersBlas(int m, int n, int k, int threads) {
        if ((long) m * n * k <= TINY_WORK) {
            return false;
        }
        boolean tallSkinny = m >= 4096 && n <= 64 && k <= 64;
        return !(threads > 1 && tallSkinny);
    }

    @Override
    public String name() {
        return "auto";
    }
}
