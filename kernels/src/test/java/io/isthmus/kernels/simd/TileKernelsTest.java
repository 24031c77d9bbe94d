package io.isthmus.kernels.simd;

import io.isthmus.kernels.gemm.ReferenceGemm;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every tile kernel, not only the one this CPU's probe picks, through {@link SimdGemm} against
 * {@link ReferenceGemm}: full and edge tiles (rows and columns short of MR and NR), both A paths
 * (read in place, packed), k split into slices, alpha/beta other than 1/0 and beta == 0 over NaN.
 * Bound as in GemmCorrectnessTest: gamma_(k+2) times the sum of absolute terms, plus 1e-6.
 */
class TileKernelsTest {

    private static final int[][] SHAPES = {
            {1, 1, 1}, {8, 32, 5}, {12, 16, 9}, {7, 31, 17}, {13, 33, 64}, {40, 160, 300},
            {37, 200, 257}, {9, 17, 520}, {100, 96, 33}};
    private static final float[][] ALPHA_BETA = {{1f, 0f}, {-1.5f, 0.75f}, {0.5f, 1f}};

    @ParameterizedTest(name = "{0} bits")
    @ValueSource(ints = {128, 256, 512})
    void matchesReference(int bits) {
        TileKernel tile = TestTiles.orSkip(bits);
        // Small blocks so that the test shapes cross them: kc 64, mc 24, nc 4 panels, A in place up to 2 panels.
        SimdGemm gemm = new SimdGemm(tile, 64, 24, 4 * tile.cols(), 2);
        Random random = new Random(bits);
        int variant = 0;
        for (int[] s : SHAPES) {
            for (int t = 0; t < 4; t++) {
                float[] ab = ALPHA_BETA[variant++ % ALPHA_BETA.length];
                String failure = check(gemm, (t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], ab[0], ab[1], random);
                assertTrue(failure == null, () -> bits + "-bit tile: " + failure);
            }
        }
    }

    private static String check(SimdGemm gemm, boolean transA, boolean transB, int m, int n, int k,
                                float alpha, float beta, Random random) {
        int lda = (transA ? m : k) + 1;
        int ldb = (transB ? k : n) + 2;
        int ldc = n + 3;
        float[] a = TestTiles.filled(random, (transA ? k : m) * lda);
        float[] b = TestTiles.filled(random, (transB ? n : k) * ldb);
        float[] c = new float[m * ldc];
        for (int x = 0; x < c.length; x++) {
            c[x] = beta == 0f ? Float.NaN : random.nextFloat() * 2 - 1;
        }
        float[] c0 = c.clone();
        float[] expected = c.clone();
        new ReferenceGemm().sgemm(transA, transB, m, n, k, alpha, a, 0, lda, b, 0, ldb, beta, expected, 0, ldc);
        gemm.sgemm(transA, transB, m, n, k, alpha, a, 0, lda, b, 0, ldb, beta, c, 0, ldc);
        double gamma = (k + 2) * Math.scalb(1.0, -24) / (1 - (k + 2) * Math.scalb(1.0, -24));
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double absSum = 0;
                for (int p = 0; p < k; p++) {
                    float aip = transA ? a[p * lda + i] : a[i * lda + p];
                    float bpj = transB ? b[j * ldb + p] : b[p * ldb + j];
                    absSum += Math.abs((double) aip * bpj);
                }
                int ci = i * ldc + j;
                double prior = beta == 0f ? 0 : Math.abs(beta * c0[ci]);
                double bound = gamma * (Math.abs(alpha) * absSum + prior) + 1e-6;
                if (!(Math.abs((double) c[ci] - expected[ci]) <= bound)) {
                    return m + "x" + n + "x" + k + " transA=" + transA + " transB=" + transB + " alpha=" + alpha
                            + " beta=" + beta + ": c[" + i + ", " + j + "] = " + c[ci] + ", reference " + expected[ci];
                }
            }
            for (int j = n; j < ldc; j++) {
                int ci = i * ldc + j;
                if (Float.floatToRawIntBits(c[ci]) != Float.floatToRawIntBits(c0[ci])) {
                    return m + "x" + n + "x" + k + ": padding c[" + i + ", " + j + "] changed";
                }
            }
        }
        return null;
    }

}
