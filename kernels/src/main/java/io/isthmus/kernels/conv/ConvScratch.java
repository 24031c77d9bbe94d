package io.isthmus.kernels.conv;

/**
 * One thread's column buffer, kept and reused across calls (like the GEMM's packing buffers),
 * so that a training step does not allocate, zero and page-fault a fresh im2col matrix for
 * every sample of every layer. It only grows, up to the largest block any convolution on this
 * thread has asked for ({@link FastConv2d#COLUMN_BUDGET} floats, or one output row of columns
 * when that is larger).
 */
final class ConvScratch {

    private static final ThreadLocal<ConvScratch> PER_THREAD = ThreadLocal.withInitial(ConvScratch::new);

    private float[] columns = new float[0];
    private float[] weights = new float[0];

    static ConvScratch get() {
        return PER_THREAD.get();
    }

    /** A buffer of at least {@code size} floats with unspecified contents. */
    float[] columns(int size) {
        if (columns.length < size) {
            columns = new float[size];
        }
        return columns;
    }

    /** A weight-sized buffer (for a transposed weight gradient) of at least {@code size} floats, unspecified contents. */
    float[] weights(int size) {
        if (weights.length < size) {
            weights = new float[size];
        }
        return weights;
    }
}
