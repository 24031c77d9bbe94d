package io.isthmus.kernels.gemm;

/**
 * What {@link AutoGemm} decided for one shape class, and from what.
 *
 * @param shapeClass the {@link ShapeClass} key
 * @param m          m, n, k of the product the decision was made on (its first call)
 * @param simdNanos  best time of one SIMD call on that product, or -1 when not measured
 * @param blasNanos  best time of one OpenBLAS call, or -1 when not measured (or SIMD's first
 *                   call was already too slow to go on)
 * @param usesBlas   the choice: OpenBLAS (true) or SIMD
 * @param source     how the choice was made
 */
public record GemmDecision(int shapeClass, int m, int n, int k, long simdNanos, long blasNanos, boolean usesBlas,
                           Source source) {

    public enum Source {
        /** Timed at the class's first call in this process. */
        MEASURED,
        /** Read from the decision file: settled by an earlier process on this machine and configuration. */
        CACHED,
        /**
         * OpenBLAS, unmeasured: the SIMD GEMM was not compiled yet at the class's first call (or
         * timed as if it were not). Timed later, for the decision file.
         */
        PROVISIONAL,
        /** OpenBLAS: the operands are too large for a probe's private copies. */
        UNMEASURABLE
    }

    public String backend() {
        return usesBlas ? "blas" : "simd";
    }

    @Override
    public String toString() {
        String times = simdNanos < 0 ? ""
                : blasNanos < 0 ? String.format(" (simd %.1f us, uncompiled)", simdNanos / 1e3)
                : String.format(" (simd %.1f us, blas %.1f us)", simdNanos / 1e3, blasNanos / 1e3);
        return ShapeClass.describe(shapeClass) + " [first m=" + m + " n=" + n + " k=" + k + "]: " + backend() + ", "
                + source.name().toLowerCase(java.util.Locale.ROOT) + times;
    }
}
