package io.isthmus.kernels.simd;

/**
 * Writes the part of a register tile that lies inside C, for tiles cut by the edge of C (the tile
 * kernels write full tiles with vectors themselves); a plain scalar loop, as edges are rare.
 */
final class TileEdge {

    private TileEdge() {
    }

    /**
     * {@code C = alpha * T + beta * C} on the first {@code rows x cols} of the tile.
     * tile: [MR, nr] row-major from 0; c: [rows, ldc] from cOff, not read when {@code beta == 0}.
     */
    static void merge(float[] tile, int nr, int rows, int cols, float alpha, float beta,
                      float[] c, int cOff, int ldc) {
        for (int i = 0; i < rows; i++) {
            int t = i * nr;
            int o = cOff + i * ldc;
            for (int j = 0; j < cols; j++) {
                float v = alpha * tile[t + j];
                c[o + j] = beta == 0f ? v : Math.fma(beta, c[o + j], v);
            }
        }
    }
}
