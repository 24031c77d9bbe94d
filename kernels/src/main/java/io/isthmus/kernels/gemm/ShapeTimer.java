package io.isthmus.kernels.gemm;

/** Times SIMD and OpenBLAS on one product shape, for {@link AutoGemm}'s first call of a shape class. */
interface ShapeTimer {

    /** Best time of one call of each on C = op(A) op(B), or null when no trustworthy timing could be made. */
    Timings time(boolean transA, boolean transB, int m, int n, int k);

    record Timings(long simdNanos, long blasNanos) {
    }
}
