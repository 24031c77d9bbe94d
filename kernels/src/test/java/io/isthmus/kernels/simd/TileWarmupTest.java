package io.isthmus.kernels.simd;

import io.isthmus.kernels.gemm.Gemm;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SIMD GEMM's warm-up never shows in results: {@link FmaLoopGemm}, which cold calls run,
 * gives every vector tile's bits on every path (edge tiles, A in place and packed, gathered
 * packing, k slices, alpha and beta); and the warm-up does get the vector tile hot.
 */
class TileWarmupTest {

    private static final int[][] SHAPES = {
            {1, 1, 1}, {1, 7, 5}, {8, 32, 5}, {12, 16, 9}, {7, 31, 17}, {13, 33, 64}, {40, 160, 300},
            {37, 200, 257}, {9, 17, 520}, {100, 96, 33}, {131, 140, 12}, {3, 1100, 20}};
    private static final float[][] ALPHA_BETA = {{1f, 0f}, {-1.5f, 0.75f}, {0.5f, 1f}};

    @ParameterizedTest(name = "{0} bits")
    @ValueSource(ints = {128, 256, 512})
    void theTwinGivesTheVectorTilesBits(int bits) {
        TileKernel vector = TestTiles.orSkip(bits);
        // Small blocks so that the shapes cross them (as in TileKernelsTest), and the default ones.
        assertSameBits(new SimdGemm(vector, 64, 24, 4 * vector.cols(), 2), new FmaLoopGemm(64), bits);
        assertSameBits(new SimdGemm(vector), new FmaLoopGemm(256), bits);
    }

    @ParameterizedTest(name = "{0} bits")
    @ValueSource(ints = {128, 256, 512})
    void aColdGemmRunsTheTwinAndAsksForTheWarmUpOnce(int bits) {
        TileKernel vector = TestTiles.orSkip(bits);
        List<Runnable> started = new ArrayList<>();
        TileWarmup[] warmup = new TileWarmup[1];
        SimdGemm cold = new SimdGemm(vector, 256, 384, 4096, 4, 128,
                (v, t) -> warmup[0] = new TileWarmup(v, t, started::add));
        assertSameBits(new SimdGemm(vector), cold, vector.bits());
        assertFalse(warmup[0].isHot());
        assertEquals(1, started.size(), "the warm-up thread is started once");
    }

    @Test
    void theWarmUpGetsTheVectorTileCompiledAndHot() {
        TileKernel vector = TestTiles.orSkip(FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512 ? 512 : 256);
        TileWarmup[] warmup = new TileWarmup[1];
        // A budget far above the seconds C2 takes: hot must come from the speed rule, not the budget.
        SimdGemm gemm = new SimdGemm(vector, 256, 384, 4096, 4, 128, (v, t) -> warmup[0] = new TileWarmup(v, t,
                task -> Thread.ofPlatform().daemon().name("test-tile-warmup").start(task), 120_000_000_000L));
        assertFalse(warmup[0].isHot());
        assertTrue(gemm.vectorOnly().awaitCompiled(120_000_000_000L), "hot within the budget");
        assertTrue(warmup[0].isHot());
        assertTrue(warmup[0].compiledAtSpeed(), "the vector tile ran faster than the twin");
        assertSameBits(new SimdGemm(vector), gemm, vector.bits());
    }

    private static void assertSameBits(Gemm expected, Gemm actual, int bits) {
        Random random = new Random(bits);
        int variant = 0;
        for (int[] s : SHAPES) {
            for (int layout = 0; layout < 4; layout++) {
                boolean transA = (layout & 1) != 0;
                boolean transB = (layout & 2) != 0;
                float[] ab = ALPHA_BETA[variant++ % ALPHA_BETA.length];
                int m = s[0];
                int n = s[1];
                int k = s[2];
                int lda = (transA ? m : k) + 1;
                int ldb = (transB ? k : n) + 2;
                int ldc = n + 3;
                float[] a = TestTiles.filled(random, (transA ? k : m) * lda);
                float[] b = TestTiles.filled(random, (transB ? n : k) * ldb);
                float[] c = TestTiles.filled(random, m * ldc);
                float[] want = c.clone();
                expected.sgemm(transA, transB, m, n, k, ab[0], a, 0, lda, b, 0, ldb, ab[1], want, 0, ldc);
                actual.sgemm(transA, transB, m, n, k, ab[0], a, 0, lda, b, 0, ldb, ab[1], c, 0, ldc);
                for (int x = 0; x < c.length; x++) {
                    if (Float.floatToRawIntBits(c[x]) != Float.floatToRawIntBits(want[x])) {
                        throw new AssertionError(bits + "-bit tile, " + m + "x" + n + "x" + k + " transA=" + transA
                                + " transB=" + transB + " alpha=" + ab[0] + " beta=" + ab[1] + ": c[" + x / ldc + ", "
                                + x % ldc + "] = " + c[x] + ", vector tile " + want[x]);
                    }
                }
            }
        }
    }

}
