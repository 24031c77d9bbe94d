package io.isthmus.kernels.simd;

/**
 * Private buffers the warm-up thread runs kernels on: {@code n} elements, or {@code rows x cols}
 * for the row kernels, sized so that one call runs about 32 vector iterations (enough loop
 * back-edges per call that C2 compiles the kernel after a few hundred calls) and leaves a
 * scalar tail. Values are mild (no overflow, no subnormals) so every call costs what a real one does.
 */
final class WarmupScratch {

    final int n;
    final int rows = 8;
    final int cols;
    final float[] x;
    final float[] y;
    final float[] probability;
    final float[] out;
    final float[] param;
    final float[] m;
    final float[] v;
    /** Reductions add their results here so that no call is dead code. */
    float sink;

    WarmupScratch(int lanes) {
        n = 32 * lanes + 3;
        cols = 4 * lanes + 3;
        int size = Math.max(n, rows * cols);
        x = new float[size];
        y = new float[size];
        probability = new float[size];
        out = new float[size];
        param = new float[size];
        m = new float[size];
        v = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (i % 17 - 8) * 0.25f;
            y[i] = 0.5f + (i % 5) * 0.25f;
            probability[i] = (i % 9 + 1) * 0.1f;
            param[i] = (i % 7 - 3) * 0.1f;
            v[i] = 0.01f;
        }
    }
}
