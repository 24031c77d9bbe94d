package io.isthmus.kernels.gemm;

/**
 * What {@link AutoGemm} decided for one shape class, and from what.
 *
 * @param shapeClass the {@link ShapeClass} key
 * @param m          m, n, k of the product the decision was made on (its first call)
 * @param simdNanos  best time of one SIMD call on that product, or -1 when not measured
 * @param blasNanos  best time of one OpenBLAS call, or -1 when not measured
 * @param usesBlas   the choice: OpenBLAS (true) or SIMD
 * @param source     how the choice was made
 */
public record GemmDecision(int shapeClass, int m, int n, int k, long simdNanos, long blasNanos, boolean usesBlas,
                           Source source) {

    public enum Source {
        /** Timed on private buffers in this process. */
        MEASURED,
        /** Read from the decision file, measured by an earlier process on this machine and configuration. */
        CACHED,
        /** The static rule ({@link AutoGemm#prefersBlas}): no trustworthy measurement could be made. */
        FALLBACK
    }

    public String backend() {
        return usesBlas ? "blas" : "simd";
    }

    @Override
    public String toString() {
        String times = simdNanos < 0 ? "" : String.format(" (simd %.1f us, blas %.1f us)", simdNanos / 1e3, blasNanos / 1e3);
        return ShapeClass.describe(shapeClass) + " [first " + m + "x" + k + "x" + n + "]: " + backend() + ", "
                + source.name().toLowerCase(java.util.Locale.ROOT) + times;
    }
}
