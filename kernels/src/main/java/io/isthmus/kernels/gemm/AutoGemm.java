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
        Gemm chosen = prefersBlas(transA, transB, m, n, k, Threads.count()) ? blas : simd;
        chosen.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /** Products at most this big (m * n * k) run on SIMD: the Panama call costs more than the work. */
    static final long TINY_WORK = 8 * 8 * 8;
    /** On two or more threads, SIMD up to this much work (256^3 = 64x256x1024 = 2^24): its hand-off is cheaper. */
    static final long PARALLEL_SIMD_WORK = 1L << 24;
    /** On any thread count, SIMD for products this big at most (512^3) whose m and n are both at least SQUARE_SIDE. */
    static final long SQUARE_SIMD_WORK = 1L << 27;
    static final int SQUARE_SIDE = 256;

    /**
     * The measured crossover rule (GemmBenchmark, JMH, simd/blas time ratios on the 2-core Sapphire
     * Rapids reference machine, OpenBLAS 0.3.21):
     * <ul>
     *   <li>tiny products and tall skinny ones (m &gt;= 4096, n and k at most 64): SIMD (65536x27x32:
     *       1.3x OpenBLAS on one thread, 2.8x on two, where OpenBLAS does not split the rows);</li>
     *   <li>square-ish products up to 512^3 (m, n &gt;= 256): SIMD (one thread: 256^3 1.05-1.17x,
     *       512^3 0.95-1.07x; two: 256^3 1.2-1.3x, 512^3 0.99-1.13x);</li>
     *   <li>two or more threads: SIMD also for products it splits across threads, from
     *       {@link Threads#SIMD_GEMM_SPLIT_WORK} (64^3) up to 2^24 (64^3 1.1-1.2x, 128^3 1.6-1.8x,
     *       64x256x1024 1.05-1.1x); OpenBLAS for the rest (128x784x256 0.84-0.90x, 1024^3
     *       0.81-0.90x, 2048^3 0.83-0.88x). Smaller products run on one thread either way, so
     *       they follow the one-thread rule: the same kernels as on one thread, and no SIMD
     *       kernel that is cold only because more threads were allowed;</li>
     *   <li>one thread: OpenBLAS for the rest (64^3 0.82-0.91x, 128^3 0.85-0.94x, 64x256x1024
     *       0.85-0.95x, 128x784x256 0.98-1.03x, 1024^3 0.90-0.92x, 2048^3 0.86x).</li>
     * </ul>
     */
    static boolean prefersBlas(int m, int n, int k, int threads) {
        long work = (long) m * n * k;
        if (work <= TINY_WORK) {
            return false;
        }
        boolean tallSkinny = m >= 4096 && n <= 64 && k <= 64;
        if (tallSkinny) {
            return false;
        }
        boolean squareMidSize = Math.min(m, n) >= SQUARE_SIDE && work <= SQUARE_SIMD_WORK;
        if (squareMidSize) {
            return false;
        }
        return threads <= 1 || work < Threads.SIMD_GEMM_SPLIT_WORK || work > PARALLEL_SIMD_WORK;
    }

    /**
     * The rule with the operands' layout: on two or more threads, products with a transposed
     * operand (a Linear layer's forward x W^T and weight gradient dy^T x) go to OpenBLAS where
     * {@link #prefersBlas(int, int, int, int)}, measured on untransposed products, would pick
     * SIMD for being small. Measured on a quiet machine with two threads: x W^T at 32x128x784
     * SIMD 106 us vs OpenBLAS 57 us, 128x128x784 258 vs 130 us; and a whole 784-128-10 MLP
     * epoch at batch 128 took 0.29-0.32 s with the two libraries' thread pools taking turns
     * (each spins on the second core after its product) against 0.26-0.28 s on OpenBLAS alone.
     */
    static boolean prefersBlas(boolean transA, boolean transB, int m, int n, int k, int threads) {
        long work = (long) m * n * k;
        boolean smallOnSeveralThreads = threads > 1 && work > TINY_WORK && work <= PARALLEL_SIMD_WORK
                && !(m >= 4096 && n <= 64 && k <= 64) && Math.min(m, n) < SQUARE_SIDE;
        if ((transA || transB) && smallOnSeveralThreads) {
            return true;
        }
        return prefersBlas(m, n, k, threads);
    }

    @Override
    public String name() {
        return "auto";
    }
}
