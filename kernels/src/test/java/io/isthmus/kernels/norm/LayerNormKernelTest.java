package io.isthmus.kernels.norm;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static io.isthmus.kernels.norm.NormChecks.assertClose;
import static io.isthmus.kernels.norm.NormChecks.random;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * FastLayerNorm against the ScalarLayerNorm oracle on awkward row lengths (D = 1, 7, 33, 130),
 * with and without weight and bias and with a large mean next to the spread; the oracle's forward
 * against a float64 reference written here.
 */
class LayerNormKernelTest {

    private static final LayerNormKernel SCALAR = new ScalarLayerNorm();
    private static final LayerNormKernel FAST = new FastLayerNorm();
    private static final int[][] SHAPES = {{1, 1}, {5, 1}, {3, 7}, {1, 33}, {17, 33}, {4, 130}};

    @Test
    void fastMatchesScalar() {
        for (int[] s : SHAPES) {
            for (double center : new double[]{0, 1000}) {
                for (boolean affine : new boolean[]{true, false}) {
                    compare(s[0], s[1], center, affine);
                }
            }
        }
    }

    private static void compare(int rows, int d, double center, boolean affine) {
        String what = "rows=" + rows + " d=" + d + " center=" + center + " affine=" + affine;
        SplittableRandom random = new SplittableRandom(rows * 131L + d);
        float[] x = random(random, rows * d, center, 2);
        float[] w = affine ? random(random, d, 1, 0.5) : null;
        float[] b = affine ? random(random, d, 0, 1) : null;
        float[] dy = random(random, rows * d, 0, 1);
        float[][] ys = new float[2][];
        float[][] dxs = new float[2][];
        float[][] dws = new float[2][];
        float[][] dbs = new float[2][];
        LayerNormKernel[] kernels = {SCALAR, FAST};
        for (int k = 0; k < 2; k++) {
            float[] mean = new float[rows];
            float[] inv = new float[rows];
            ys[k] = new float[rows * d];
            kernels[k].forward(rows, d, x, w, b, 1e-5f, ys[k], mean, inv);
            dxs[k] = new float[rows * d];
            dws[k] = new float[d];
            dbs[k] = new float[d];
            kernels[k].backward(rows, d, x, dy, w, mean, inv, dxs[k], dws[k], dbs[k]);
        }
        // a mean of 1000 leaves float32 x only ~1e-4 of resolution on a spread of 2
        double tol = center == 0 ? 1e-5 : 1e-3;
        assertClose(what + " y", ys[0], ys[1], tol);
        assertClose(what + " dx", dxs[0], dxs[1], tol);
        assertClose(what + " dweight", dws[0], dws[1], tol);
        assertClose(what + " dbias", dbs[0], dbs[1], tol);
    }

    /** Rows split across threads in blocks fixed by d: the same bits on one thread and on two. */
    @Test
    void blocksOfRowsGiveTheSameBitsOnAnyThreadCount() {
        int rows = 700;
        int d = 130; // 252 rows per block: three blocks, the last one short
        SplittableRandom random = new SplittableRandom(5);
        float[] x = random(random, rows * d, 0.3, 2);
        float[] w = random(random, d, 1, 0.5);
        float[] b = random(random, d, 0, 1);
        float[] dy = random(random, rows * d, 0, 1);
        float[][] out = new float[2][];
        int saved = io.isthmus.kernels.Threads.count();
        try {
            for (int t = 1; t <= 2; t++) {
                io.isthmus.kernels.Threads.set(t);
                float[] y = new float[rows * d];
                float[] mean = new float[rows];
                float[] inv = new float[rows];
                FAST.forward(rows, d, x, w, b, 1e-5f, y, mean, inv);
                float[] dx = new float[rows * d];
                float[] dw = new float[d];
                float[] db = new float[d];
                FAST.backward(rows, d, x, dy, w, mean, inv, dx, dw, db);
                float[] all = new float[y.length + dx.length + 2 * d];
                System.arraycopy(y, 0, all, 0, y.length);
                System.arraycopy(dx, 0, all, y.length, dx.length);
                System.arraycopy(dw, 0, all, y.length + dx.length, d);
                System.arraycopy(db, 0, all, y.length + dx.length + d, d);
                out[t - 1] = all;
            }
        } finally {
            io.isthmus.kernels.Threads.set(saved);
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(out[0], out[1]);
        compare(rows, d, 0.3, true);
    }

    @Test
    void scalarForwardMatchesFloat64() {
        int rows = 3;
        int d = 7;
        SplittableRandom random = new SplittableRandom(7);
        float[] x = random(random, rows * d, 0.5, 2);
        float[] w = random(random, d, 1, 0.5);
        float[] b = random(random, d, 0, 1);
        float[] y = new float[rows * d];
        SCALAR.forward(rows, d, x, w, b, 1e-5f, y, new float[rows], new float[rows]);
        float[] expected = new float[rows * d];
        for (int r = 0; r < rows; r++) {
            double mean = 0;
            for (int i = 0; i < d; i++) {
                mean += x[r * d + i];
            }
            mean /= d;
            double var = 0;
            for (int i = 0; i < d; i++) {
                var += Math.pow(x[r * d + i] - mean, 2);
            }
            var /= d;
            for (int i = 0; i < d; i++) {
                expected[r * d + i] = (float) ((x[r * d + i] - mean) / Math.sqrt(var + (double) 1e-5f) * w[i] + b[i]);
            }
        }
        assertClose("scalar forward", expected, y, 1e-6);
    }

    @Test
    void nullOutputsAreSkipped() {
        float[] x = {1, 2, 4};
        float[] mean = new float[1];
        float[] inv = new float[1];
        float[] y = new float[3];
        FAST.forward(1, 3, x, null, null, 0f, y, mean, inv);
        assertEquals(7f / 3, mean[0], 1e-6);
        float[] dw = new float[3];
        FAST.backward(1, 3, x, new float[]{1, 0, 0}, null, mean, inv, null, dw, null);
        assertClose("dweight", new float[]{y[0], 0, 0}, dw, 1e-6);
    }
}
