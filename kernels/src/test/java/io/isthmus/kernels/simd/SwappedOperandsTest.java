package io.isthmus.kernels.simd;

import io.isthmus.kernels.Threads;
import io.isthmus.kernels.gemm.Gemm;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

/**
 * A small-batch {@code x W^T} (NT, m &lt; n, alpha 1, beta 0), which the SIMD GEMM computes as
 * its transpose, gives the bits of the plain order: those of the twin, which never swaps. Beta 0
 * over NaN in C, every tile, one and two threads; other alpha and beta take the plain path.
 */
class SwappedOperandsTest {

    private static final int[][] SHAPES = {{1, 7, 5}, {32, 128, 784}, {7, 33, 300}, {128, 129, 17}, {100, 1000, 64},
            {31, 40, 9}};

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 2})
    void theTransposedProductHasThePlainProductsBits(int threads) {
        TestTiles.onThreads(threads, () -> {
            Random random = new Random(threads);
            for (TileKernel tile : TestTiles.supported()) {
                Gemm vector = new SimdGemm(tile).vectorOnly();
                Gemm twin = new FmaLoopGemm(256);
                for (int[] s : SHAPES) {
                    check(vector, twin, s[0], s[1], s[2], 1f, 0f, random, tile.bits());
                    check(vector, twin, s[0], s[1], s[2], 0.5f, 0f, random, tile.bits());
                    check(vector, twin, s[0], s[1], s[2], 1f, 1f, random, tile.bits());
                }
            }
        });
    }

    private static void check(Gemm vector, Gemm twin, int m, int n, int k, float alpha, float beta, Random random,
                              int bits) {
        int lda = k + 1;
        int ldb = k + 2;
        int ldc = n + 3;
        float[] a = TestTiles.filled(random, m * lda);
        float[] b = TestTiles.filled(random, n * ldb);
        float[] c = TestTiles.filled(random, m * ldc);
        if (beta == 0f) {
            java.util.Arrays.fill(c, Float.NaN);
        }
        float[] want = c.clone();
        twin.sgemm(false, true, m, n, k, alpha, a, 0, lda, b, 0, ldb, beta, want, 0, ldc);
        vector.sgemm(false, true, m, n, k, alpha, a, 0, lda, b, 0, ldb, beta, c, 0, ldc);
        for (int x = 0; x < c.length; x++) {
            if (Float.floatToRawIntBits(c[x]) != Float.floatToRawIntBits(want[x])) {
                throw new AssertionError(bits + "-bit tile, " + Threads.count() + " threads, " + m + "x" + n + "x" + k
                        + " NT alpha=" + alpha + " beta=" + beta + ": c[" + x / ldc + ", " + x % ldc + "] = " + c[x]
                        + ", plain order " + want[x]);
            }
        }
    }

}
