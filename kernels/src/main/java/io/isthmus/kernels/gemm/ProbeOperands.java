package io.isthmus.kernels.gemm;

import java.util.function.LongSupplier;

/**
 * Private operands of one product C = alpha op(A) op(B) + beta C, for timing or compiling a GEMM
 * without touching a caller's arrays: A and B hold small values (no subnormals, no overflow); the
 * timings overwrite C (alpha 1, beta 0), the SIMD tile's warm-up also accumulates into it.
 */
public final class ProbeOperands {

    private final boolean transA;
    private final boolean transB;
    private final int m;
    private final int n;
    private final int k;
    private final float[] a;
    private final float[] b;
    private final float[] c;

    public ProbeOperands(boolean transA, boolean transB, int m, int n, int k) {
        this.transA = transA;
        this.transB = transB;
        this.m = m;
        this.n = n;
        this.k = k;
        a = filled(m * k);
        b = filled(k * n);
        c = new float[m * n];
    }

    /** Floats the three operands of an m x n x k product take. */
    static long floats(int m, int n, int k) {
        return (long) m * k + (long) k * n + (long) m * n;
    }

    private static float[] filled(int length) {
        float[] values = new float[length];
        for (int i = 0; i < length; i++) {
            values[i] = (i % 17 - 8) * 0.0625f;
        }
        return values;
    }

    /** Multiply-adds of one product. */
    public long work() {
        return (long) m * n * k;
    }

    /** One product by {@code gemm}: C = alpha op(A) op(B) + beta C. */
    public void run(Gemm gemm, float alpha, float beta) {
        gemm.sgemm(transA, transB, m, n, k, alpha, a, 0, transA ? m : k, b, 0, transB ? k : n, beta, c, 0, n);
    }

    /** Nanoseconds (wall clock) for {@code calls} products by {@code gemm}. */
    long time(Gemm gemm, int calls) {
        return time(gemm, calls, System::nanoTime);
    }

    /** Nanoseconds of {@code clock} for {@code calls} products by {@code gemm}. */
    long time(Gemm gemm, int calls, LongSupplier clock) {
        long start = clock.getAsLong();
        for (int i = 0; i < calls; i++) {
            run(gemm, 1f, 0f);
        }
        return clock.getAsLong() - start;
    }
}
