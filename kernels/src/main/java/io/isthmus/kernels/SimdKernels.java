package io.isthmus.kernels;

import io.isthmus.kernels.elementwise.Elementwise;
import io.isthmus.kernels.gemm.Gemm;
import io.isthmus.kernels.pool.PoolKernel;

/**
 * The Vector API kernels, seen through interfaces so that classes which must load without
 * {@code jdk.incubator.vector} never name a Vector API type. The implementation
 * ({@code io.isthmus.kernels.simd.VectorKernels}) is loaded reflectively by {@link Kernels}.
 */
public interface SimdKernels {

    Gemm gemm();

    Elementwise elementwise();

    /** Pooling with max pooling on vector lanes. */
    PoolKernel pool();

    /** Starts compiling the kernels of a typical training step on a background thread (see {@link Kernels#warmUp()}). */
    void warmUp();

    /** Width of the species chosen at startup: 128, 256 or 512. */
    int vectorBits();

    /** Why this width was chosen (measured, forced, or the only one). */
    String speciesReason();
}
