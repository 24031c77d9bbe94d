package io.isthmus.kernels.simd;

import io.isthmus.kernels.gemm.Gemm;
import io.isthmus.kernels.gemm.PreparedB;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

/**
 * A product with B {@linkplain PreparedB prepared} (packed once, reused) gives the plain
 * product's bits: on every vector tile, one and two threads (rows or columns split), small
 * blocks crossed, both B layouts, B at an offset; and reused for several products, as a
 * recurrent layer reuses W_hh at every step.
 */
class PreparedBTest {

    private static final int[][] SHAPES = {
            {1, 1, 1}, {7, 33, 17}, {64, 1024, 256}, {64, 256, 1024}, {13, 200, 300}, {100, 96, 33}, {2, 131, 7}};

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 2})
    void preparedGivesThePlainProductsBits(int threads) {
        TestTiles.onThreads(threads, () -> {
            for (TileKernel tile : TestTiles.supported()) {
                check(new SimdGemm(tile).vectorOnly(), threads);
                check(new SimdGemm(tile, 64, 24, 4 * tile.cols(), 2).vectorOnly(), threads);
            }
            check(new FmaLoopGemm(256), threads);
        });
    }

    private static void check(Gemm gemm, int threads) {
        Random random = new Random(threads);
        for (int[] s : SHAPES) {
            for (int layout = 0; layout < 4; layout++) {
                boolean transA = (layout & 1) != 0;
                boolean transB = (layout & 2) != 0;
                int m = s[0];
                int n = s[1];
                int k = s[2];
                int lda = (transA ? m : k) + 1;
                int ldb = (transB ? k : n) + 2;
                int ldc = n + 3;
                int bOff = 5;
                float[] b = TestTiles.filled(random, bOff + (transB ? n : k) * ldb);
                PreparedB prepared = new PreparedB(transB, k, n, b, bOff, ldb);
                for (int use = 0; use < 3; use++) {
                    float[] a = TestTiles.filled(random, (transA ? k : m) * lda);
                    float[] c = TestTiles.filled(random, m * ldc);
                    float beta = use == 1 ? 0f : 0.5f;
                    float[] want = c.clone();
                    gemm.sgemm(transA, transB, m, n, k, 1.25f, a, 0, lda, b, bOff, ldb, beta, want, 0, ldc);
                    gemm.sgemm(transA, m, 1.25f, a, 0, lda, prepared, beta, c, 0, ldc);
                    for (int x = 0; x < c.length; x++) {
                        if (Float.floatToRawIntBits(c[x]) != Float.floatToRawIntBits(want[x])) {
                            throw new AssertionError(gemm.name() + ", " + threads + " threads, " + m + "x" + n + "x" + k
                                    + " transA=" + transA + " transB=" + transB + ", use " + use + ": c[" + x / ldc
                                    + ", " + x % ldc + "] = " + c[x] + ", plain product " + want[x]);
                        }
                    }
                }
            }
        }
    }

}
