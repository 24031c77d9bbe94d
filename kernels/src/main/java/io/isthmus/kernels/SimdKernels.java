package io.isthmus.kernels;

import io.isthmus.kernels.elementwise.Elementwise;
import io.isthmus.kernels.gemm.CompilingGemm;
import io.isthmus.kernels.gemm.Gemm;
import io.isthmus.kernels.pool.PoolKernel;

/**
 * The Vector API kernels, seen through interfaces so that classes which must load without
 * {@code jdk.incubator.vector} never name a Vector API type. The implementation
 * ({@code io.isthmus.kernels.simd.VectorKernels}) is loaded reflectively by {@link Kernels}.
 */
public interface SimdKernels {

    /**
     * The SIMD GEMM. Until its vector tile is compiled (in the background, from its first call or
     * {@link #warmUp()}) it runs a bit-identical plain-loop tile, so results never depend on when.
     */
    Gemm gemm();

    /**
     * The same GEMM on its vector tile from the first call, compiled or not: what a timing of SIMD
     * must run ({@link CompilingGemm#awaitCompiled} waits for the background compilation).
     */
    CompilingGemm vectorGemm();

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
