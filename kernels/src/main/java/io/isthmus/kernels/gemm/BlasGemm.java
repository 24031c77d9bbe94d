package io.isthmus.kernels.gemm;

import io.isthmus.kernels.Threads;
import io.isthmus.nativeblas.OpenBlas;

/**
 * OpenBLAS {@code cblas_sgemm} through Panama, heap arrays passed zero copy. Products smaller
 * than {@link #PARALLEL_WORK} run on one OpenBLAS thread whatever {@link Threads#count()} is.
 */
public final class BlasGemm implements Gemm {

    /**
     * m * n * k below which OpenBLAS gets one thread (OpenBLAS itself splits every product above
     * 2^18). Measured here: two threads lost at 128^3 (GemmBenchmark) and on the MLP's 128x784x32
     * weight gradient, and won from 256^3 = 2^24 on. In training, products just below (the MLP's
     * 12.8M at batch 128) were faster on two threads in isolation, but the OpenBLAS thread,
     * spinning between products, held the second core the JIT needs while it warms up: the
     * first epoch took 0.97 s instead of 0.74 s, so the 5-epoch mean was slower than on one thread.
     */
    static final long PARALLEL_WORK = 1L << 24;

    private static final long NEVER = Long.MIN_VALUE;
    /** When the last product on several OpenBLAS threads ended (any instance: the threads are the library's). */
    private static volatile long lastParallelEnd = NEVER;

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
        // OpenBLAS's thread count is a global setting, cheap to change (~0.1 us); concurrent callers
        // may see each other's choice, which changes the speed, never the result.
        int threads = (long) m * n * k < PARALLEL_WORK ? 1 : Threads.count();
        blas.setNumThreads(threads);
        blas.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        if (threads > 1) {
            lastParallelEnd = System.nanoTime();
        }
    }

    /**
     * Nanoseconds since a product last ran on several OpenBLAS threads (a very large number if
     * none has). OpenBLAS's threads spin for a while after one (about 0.1 s, {@code THREAD_TIMEOUT}),
     * holding the other cores: measured on the 2-core reference machine, SIMD 1024^3 on two
     * threads took 13-14 ms right after an OpenBLAS product instead of 7 ms, its helper thread
     * getting no core. {@link GemmProbe} does not trust SIMD timings made in that window.
     */
    static long nanosSinceParallelCall() {
        long last = lastParallelEnd;
        return last == NEVER ? Long.MAX_VALUE : System.nanoTime() - last;
    }

    @Override
    public String name() {
        return "blas";
    }
}
