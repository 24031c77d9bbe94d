package io.isthmus.kernels.gemm;

/**
 * Times SIMD against OpenBLAS on one product shape, for {@link AutoGemm} ({@link GemmProbe} on
 * the machine; tests inject fixed timings).
 */
interface ShapeTimer {

    /**
     * Whether the SIMD GEMM of this layout runs compiled, so that timing it means something;
     * if not, asks for it to be compiled (see {@link GemmWarmup}) and returns false.
     */
    boolean readyOrRequest(boolean transA, boolean transB);

    /**
     * Whether a probe of an m x n x k product now would be {@linkplain Timings#quiet quiet}, as far
     * as can be told before it runs.
     */
    boolean quiet(int m, int n, int k);

    /** Timings of both backends on C = op(A) op(B) of this shape, or null when none can be made. */
    Timings time(boolean transA, boolean transB, int m, int n, int k);

    /** Starts compiling the SIMD GEMM of every layout (in the background unless that is turned off). */
    void warmUpAll();

    /**
     * Waits at most {@code nanos} for every requested layout to be compiled or given up, and then
     * for the machine to be quiet; true if both came in time.
     */
    boolean awaitWarmUp(long nanos);

    /**
     * Compiles every layout and then the SIMD GEMM's path for this shape (on the caller), and
     * waits for a probe of it to be quiet, at most {@code nanos} in all; true if all came in time.
     */
    boolean prepare(boolean transA, boolean transB, int m, int n, int k, long nanos);

    /**
     * Best time of one call of each backend (nanoseconds), and whether the probe was quiet:
     * nothing else of this process competed with it for the cores (no GEMM warm-up, no JIT
     * compilation ending during it or shortly before, no OpenBLAS threads still spinning after a
     * parallel product when SIMD runs on several threads). Only quiet timings may settle a
     * decision for the decision file.
     */
    record Timings(long simdNanos, long blasNanos, boolean quiet) {
    }
}
