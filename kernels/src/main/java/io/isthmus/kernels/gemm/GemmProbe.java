package io.isthmus.kernels.gemm;

/**
 * Times SIMD against OpenBLAS on private buffers of a product's shape (the caller's arrays are
 * never touched), for {@link AutoGemm}.
 *
 * <p>The SIMD kernels run 10-1000x slower until C2 has compiled them (the interpreter and C1 box
 * every vector), so a cold timing would always pick OpenBLAS. Two steps guard against that:
 * <ol>
 *   <li>compile: SIMD runs on a small product of the same layout (at most 64 in each dimension)
 *       until it is within {@link #COLD_RATIO} of OpenBLAS on it twice in a row; boxed vector code
 *       is far slower than that, compiled code is not (this takes 1-2 s in a fresh JVM, once; a
 *       few calls when compiled);</li>
 *   <li>measure: SIMD and OpenBLAS alternate on the real shape, in samples of at least
 *       {@link #SAMPLE_NANOS}, until SIMD's best time has not improved by 10% for three samples
 *       (a path of the kernels this shape reaches first may still be compiling) and at least
 *       {@link #MIN_SAMPLES} of each are in; the result is each side's best sample.</li>
 * </ol>
 * Either step running out of its budget gives no timing (null): the caller then falls back.
 */
final class GemmProbe implements ShapeTimer {

    /** Compiled SIMD is never this many times slower than OpenBLAS (0.75x at worst on the reference
     * machine); code still boxing vectors, or running a path that is being recompiled, is. */
    static final double COLD_RATIO = 3;
    private static final int COMPILE_SIDE = 64;
    static final long COMPILE_BUDGET_NANOS = 3_000_000_000L;
    private static final long MEASURE_BUDGET_NANOS = 1_000_000_000L;
    private static final long SAMPLE_NANOS = 20_000;
    private static final int MIN_SAMPLES = 5;
    private static final int MAX_SAMPLES = 1000;
    private static final int SETTLED_SAMPLES = 3;
    /**
     * SIMD's best must also have held this long: a path of the kernels first reached by this shape
     * runs slower code for a while (C1, or a deoptimized method waiting for C2), and three short
     * samples of it can look settled.
     */
    private static final long SETTLED_NANOS = 10_000_000L;
    /** Private buffers are allocated per probe: beyond this many floats (64 MB), no probe. */
    static final long MAX_FLOATS = 1L << 24;

    private final Gemm simd;
    private final Gemm blas;

    GemmProbe(Gemm simd, Gemm blas) {
        this.simd = simd;
        this.blas = blas;
    }

    @Override
    public Timings time(boolean transA, boolean transB, int m, int n, int k) {
        if ((long) m * k + (long) k * n + (long) m * n > MAX_FLOATS) {
            return null;
        }
        if (!compile(transA, transB, Math.min(m, COMPILE_SIDE), Math.min(n, COMPILE_SIDE), Math.min(k, COMPILE_SIDE),
                COMPILE_BUDGET_NANOS)) {
            return null;
        }
        return measure(new Operands(transA, transB, m, n, k));
    }

    /**
     * Runs SIMD on a product of this shape until it is within {@link #COLD_RATIO} of OpenBLAS twice
     * in a row; false when the budget ran out first.
     */
    boolean compile(boolean transA, boolean transB, int m, int n, int k, long budgetNanos) {
        Operands ops = new Operands(transA, transB, m, n, k);
        long deadline = System.nanoTime() + budgetNanos;
        int calls = Math.max(1, (int) (SAMPLE_NANOS / Math.max(1, ops.timeOne(blas))));
        int inARow = 0;
        while (inARow < 2) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            long simdNanos = ops.time(simd, calls);
            long blasNanos = ops.time(blas, calls);
            inARow = simdNanos <= COLD_RATIO * blasNanos ? inARow + 1 : 0;
        }
        return true;
    }

    private Timings measure(Operands ops) {
        long start = System.nanoTime();
        long blasFirst = ops.timeOne(blas);
        long simdFirst = ops.timeOne(simd);
        long deadline = start + Math.max(MEASURE_BUDGET_NANOS, 20 * blasFirst);
        int calls = (int) Math.max(1, SAMPLE_NANOS / Math.max(1, Math.min(blasFirst, simdFirst)));
        long bestSimd = Long.MAX_VALUE;
        long bestBlas = Long.MAX_VALUE;
        int sinceImproved = 0;
        long improvedAt = start;
        for (int sample = 1; ; sample++) {
            long simdNanos = ops.time(simd, calls) / calls;
            long blasNanos = ops.time(blas, calls) / calls;
            long now = System.nanoTime();
            if (simdNanos < 0.9 * bestSimd) {
                sinceImproved = 0;
                improvedAt = now;
            } else {
                sinceImproved++;
            }
            bestSimd = Math.min(bestSimd, simdNanos);
            bestBlas = Math.min(bestBlas, blasNanos);
            boolean compiled = bestSimd <= COLD_RATIO * bestBlas;
            boolean settled = sinceImproved >= SETTLED_SAMPLES && now - improvedAt >= SETTLED_NANOS;
            if ((sample >= MIN_SAMPLES && settled && compiled) || sample >= MAX_SAMPLES) {
                return compiled ? new Timings(bestSimd, bestBlas) : null;
            }
            if (now > deadline) {
                return compiled ? new Timings(bestSimd, bestBlas) : null;
            }
        }
    }

    /** Private operands of one shape, filled with small values (no subnormals, no overflow). */
    private static final class Operands {
        final boolean transA;
        final boolean transB;
        final int m;
        final int n;
        final int k;
        final float[] a;
        final float[] b;
        final float[] c;

        Operands(boolean transA, boolean transB, int m, int n, int k) {
            this.transA = transA;
            this.transB = transB;
            this.m = m;
            this.n = n;
            this.k = k;
            a = filled(m * k);
            b = filled(k * n);
            c = new float[m * n];
        }

        private static float[] filled(int length) {
            float[] values = new float[length];
            for (int i = 0; i < length; i++) {
                values[i] = (i % 17 - 8) * 0.0625f;
            }
            return values;
        }

        long timeOne(Gemm gemm) {
            return time(gemm, 1);
        }

        /** Nanoseconds for {@code calls} products C = op(A) op(B). */
        long time(Gemm gemm, int calls) {
            long start = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                gemm.sgemm(transA, transB, m, n, k, 1f, a, 0, transA ? m : k, b, 0, transB ? k : n, 0f, c, 0, n);
            }
            return System.nanoTime() - start;
        }
    }
}
