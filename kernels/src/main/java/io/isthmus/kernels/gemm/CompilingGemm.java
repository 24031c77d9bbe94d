package io.isthmus.kernels.gemm;

/**
 * A GEMM whose fast code gets compiled on a background thread of its own after its first use
 * (the SIMD GEMM's vector tile). Whoever wants to time it, or to compile more of it, waits for
 * that first: running its uncompiled code meanwhile would only take the CPU from the compiler.
 */
public interface CompilingGemm extends Gemm {

    /** Starts the background compilation if needed and waits for it, at most {@code nanos}; true if it is done. */
    boolean awaitCompiled(long nanos);
}
