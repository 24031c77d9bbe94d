package io.isthmus.kernels.gemm;

/** Degenerate cases every implementation handles the same way. */
public final class GemmEdges {

    private GemmEdges() {
    }

    /**
     * Handles a product with nothing to multiply and says whether it did: an empty C (nothing to
     * do), or k == 0 or alpha == 0 (C = beta * C, A and B not read). Otherwise does nothing and
     * returns false. C: [m, ldc] from cOff.
     */
    public static boolean doneWithoutProduct(int m, int n, int k, float alpha, float beta, float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) {
            return true;
        }
        if (k == 0 || alpha == 0f) {
            scaleC(m, n, beta, c, cOff, ldc);
            return true;
        }
        return false;
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
