package io.isthmus.kernels.gemm;

/**
 * Times SIMD against OpenBLAS on one product shape, for {@link AutoGemm} ({@link GemmProbe} on
 * the machine; tests inject fixed timings).
 */
interface ShapeTimer {

    /**
     * Whether the SIMD GEMM runs compiled on an m x n x k product of this layout (after
     * {@link #warmUp(boolean, boolean, int, int, int)} for it), so that timing it means something.
     */
    boolean ready(boolean transA, boolean transB, int m, int n, int k);

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
     * Asks for the SIMD GEMM's paths of an m x n x k product to be compiled (in the background
     * unless that is turned off).
     */
    void warmUp(boolean transA, boolean transB, int m, int n, int k);

    /**
     * Waits at most {@code nanos} for every requested layout to be compiled or given up, and then
     * for the machine to be quiet; true if both came in time.
     */
    boolean awaitWarmUp(long nanos);

    /**
     * Compiles every layout and this shape's pilot, runs SIMD on the shape itself until its time
     * has settled (on the caller), and waits for a probe of it to be quiet, at most {@code nanos}
     * in all; true if all came in time.
     */
    boolean prepare(boolean transA, boolean transB, int m, int n, int k, long nanos);

    /**
     * Best time of one call of each backend (nanoseconds; -1 for OpenBLAS when the probe stopped
     * at uncompiled SIMD code), and whether the probe was quiet: no GEMM warm-up, no JIT
     * compilation ending during it or shortly before, and, for a product split across threads,
     * no OpenBLAS threads still spinning after a parallel product and no other process on the
     * CPUs. {@link AutoGemm#judge} says which timings may settle a decision.
     */
    record Timings(long simdNanos, long blasNanos, boolean quiet) {
    }
}
