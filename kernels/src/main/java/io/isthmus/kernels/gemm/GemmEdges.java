package io.isthmus.kernels.gemm;

/** Degenerate cases every implementation handles the same way. */
public final class GemmEdges {

    private GemmEdges() {
    }

    /** C = beta * C, with beta == 0 writing zeros (C not read). C: [m, ldc] from cOff. */
    public static void scaleC(int m, int n, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int row = cOff + i * ldc;
            if (beta == 0f) {
                java.util.Arrays.fill(c, row, row + n, 0f);
            } else if (beta != 1f) {
                for (int j = 0; j < n; j++) {
                    c[row + j] *= beta;
                }
            }
        }
    }
}
