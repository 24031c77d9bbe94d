package io.isthmus.kernels.norm;

import io.isthmus.kernels.Threads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static io.isthmus.kernels.norm.NormChecks.assertClose;
import static io.isthmus.kernels.norm.NormChecks.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * FastBatchNorm against the ScalarBatchNorm oracle (both layouts: short runs and channel runs,
 * with and without threads), and the oracle against a float64 reference written here.
 */
class BatchNormKernelTest {

    private static final BatchNormKernel SCALAR = new ScalarBatchNorm();
    private static final BatchNormKernel FAST = new FastBatchNorm();
    /** {N, C, S}: [N, C] (S = 1), short runs, runs of exactly RUNS_FROM, odd long runs, one sample. */
    private static final int[][] SHAPES = {{2, 1, 1}, {7, 3, 1}, {1, 3, 5}, {3, 1, 7}, {2, 3, 16}, {5, 3, 17},
            {1, 1, 33}, {4, 7, 25}, {33, 5, 1}, {3, 17, 49}};
    private final int threadsBefore = Threads.count();

    @AfterEach
    void restoreThreads() {
        Threads.set(threadsBefore);
    }

    @Test
    void fastMatchesScalarOnAwkwardShapes() {
        for (int threads : new int[]{1, 2}) {
            Threads.set(threads);
            for (int[] shape : SHAPES) {
                for (boolean affine : new boolean[]{true, false}) {
                    compare(shape[0], shape[1], shape[2], affine, new SplittableRandom(Arrays.hashCode(shape)));
                }
            }
            // big enough to split channels across threads, in both layouts
            compare(64, 8, 64, true, new SplittableRandom(7));
            compare(4096, 16, 1, true, new SplittableRandom(8));
        }
    }

    private static void compare(int n, int c, int s, boolean affine, SplittableRandom random) {
        String what = "[" + n + ", " + c + ", " + s + "]" + (affine ? "" : " no affine") + " threads " + Threads.count();
        int size = n * c * s;
        float[] x = random(random, size, 0.5, 2);
        float[] dy = random(random, size, 0, 1);
        float[] weight = affine ? random(random, c, 1, 0.5) : null;
        float[] bias = affine ? random(random, c, 0, 0.5) : null;
        float[] rm0 = random(random, c, 0, 1);
        float[] rv0 = random(random, c, 1.5, 0.5);
        float[][] outs = new float[2][];
        float[][] stats = new float[2][];
        int k = 0;
        for (BatchNormKernel kernel : new BatchNormKernel[]{SCALAR, FAST}) {
            float[] y = new float[size + 1];
            float[] mean = new float[c];
            float[] invStd = new float[c];
            float[] rm = rm0.clone();
            float[] rv = rv0.clone();
            kernel.forwardTraining(n, c, s, x, 0, weight, bias, 1e-5f, y, 1, mean, invStd,
                    n * s > 1 ? rm : null, n * s > 1 ? rv : null, 0.1);
            float[] dx = new float[size];
            Arrays.fill(dx, Float.NaN);
            float[] dw = new float[c];
            float[] db = new float[c];
            kernel.backwardTraining(n, c, s, x, 0, dy, 0, weight, mean, invStd, dx, 0, dw, db);
            float[] yEval = new float[size];
            float[] evalInv = new float[c];
            BatchNormKernel.invStd(rv0, 1e-5f, evalInv);
            kernel.forwardEval(n, c, s, x, 0, weight, bias, rm0, evalInv, yEval, 0);
            float[] dxEval = new float[size];
            Arrays.fill(dxEval, Float.NaN);
            float[] dwEval = new float[c];
            float[] dbEval = new float[c];
            kernel.backwardEval(n, c, s, x, 0, dy, 0, weight, rm0, evalInv, dxEval, 0, dwEval, dbEval);
            outs[k] = concat(y, dx, dw, db, yEval, dxEval, dwEval, dbEval);
            stats[k] = concat(mean, invStd, rm, rv);
            k++;
        }
        assertClose(what + " outputs and gradients", outs[0], outs[1], 2e-6);
        assertClose(what + " statistics", stats[0], stats[1], 1e-7);
    }

    private static float[] concat(float[]... parts) {
        int total = 0;
        for (float[] p : parts) {
            total += p.length;
        }
        float[] out = new float[total];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    @Test
    void oracleMatchesAFloat64ReferenceWithThePyTorchRunningUpdate() {
        int n = 5;
        int c = 3;
        int s = 7;
        SplittableRandom random = new SplittableRandom(11);
        float[] x = random(random, n * c * s, 1, 3);
        float[] dy = random(random, n * c * s, 0, 1);
        float[] weight = random(random, c, 1, 0.5);
        float[] bias = random(random, c, 0, 0.5);
        float[] rm = {0.5f, -1f, 0f};
        float[] rv = {1f, 2f, 0.25f};
        float[] y = new float[n * c * s];
        float[] mean = new float[c];
        float[] invStd = new float[c];
        float[] dx = new float[n * c * s];
        float[] dw = new float[c];
        float[] db = new float[c];
        float momentum = 0.3f;
        for (BatchNormKernel kernel : new BatchNormKernel[]{SCALAR, FAST}) {
            float[] rmK = rm.clone();
            float[] rvK = rv.clone();
            kernel.forwardTraining(n, c, s, x, 0, weight, bias, 1e-5f, y, 0, mean, invStd, rmK, rvK, momentum);
            kernel.backwardTraining(n, c, s, x, 0, dy, 0, weight, mean, invStd, dx, 0, dw, db);
            int m = n * s;
            for (int ch = 0; ch < c; ch++) {
                double sum = 0;
                for (int b = 0; b < n; b++) {
                    for (int i = 0; i < s; i++) {
                        sum += x[(b * c + ch) * s + i];
                    }
                }
                double mu = sum / m;
                double sq = 0;
                for (int b = 0; b < n; b++) {
                    for (int i = 0; i < s; i++) {
                        sq += Math.pow(x[(b * c + ch) * s + i] - mu, 2);
                    }
                }
                double var = sq / m;
                double inv = 1 / Math.sqrt(var + 1e-5);
                assertEquals((1 - momentum) * rm[ch] + momentum * mu, rmK[ch], 1e-6, kernel.name() + " running_mean " + ch);
                assertEquals((1 - momentum) * rv[ch] + momentum * sq / (m - 1), rvK[ch], 1e-6,
                        kernel.name() + " running_var uses the unbiased variance, channel " + ch);
                double sumDy = 0;
                double sumDyXhat = 0;
                for (int b = 0; b < n; b++) {
                    for (int i = 0; i < s; i++) {
                        int at = (b * c + ch) * s + i;
                        double xhat = (x[at] - mu) * inv;
                        assertEquals(xhat * weight[ch] + bias[ch], y[at], 1e-5, kernel.name() + " y " + at);
                        sumDy += dy[at];
                        sumDyXhat += dy[at] * xhat;
                    }
                }
                assertEquals(sumDy, db[ch], 1e-5, kernel.name() + " dbias " + ch);
                assertEquals(sumDyXhat, dw[ch], 1e-5, kernel.name() + " dweight " + ch);
                for (int b = 0; b < n; b++) {
                    for (int i = 0; i < s; i++) {
                        int at = (b * c + ch) * s + i;
                        double xhat = (x[at] - mu) * inv;
                        double expected = weight[ch] * inv * (dy[at] - sumDy / m - xhat * sumDyXhat / m);
                        assertEquals(expected, dx[at], 1e-5, kernel.name() + " dx " + at);
                    }
                }
            }
        }
    }

    @Test
    void varianceStaysAccurateWhenTheMeanDwarfsTheSpread() {
        // x = 10000 + u, u in [-0.01, 0.01]: E[x^2] - E[x]^2 in float would be all rounding
        int n = 64;
        int c = 2;
        for (int s : new int[]{1, 64}) {
            SplittableRandom random = new SplittableRandom(5);
            float[] x = random(random, n * c * s, 10000, 0.01);
            for (BatchNormKernel kernel : new BatchNormKernel[]{SCALAR, FAST}) {
                float[] mean = new float[c];
                float[] invStd = new float[c];
                float[] y = new float[x.length];
                kernel.forwardTraining(n, c, s, x, 0, null, null, 0f, y, 0, mean, invStd, null, null, 0.1);
                for (int ch = 0; ch < c; ch++) {
                    double sum = 0;
                    for (int b = 0; b < n; b++) {
                        for (int i = 0; i < s; i++) {
                            sum += x[(b * c + ch) * s + i];
                        }
                    }
                    double mu = sum / (n * s);
                    double sq = 0;
                    for (int b = 0; b < n; b++) {
                        for (int i = 0; i < s; i++) {
                            sq += Math.pow(x[(b * c + ch) * s + i] - mu, 2);
                        }
                    }
                    double inv = 1 / Math.sqrt(sq / (n * s));
                    assertEquals(inv, invStd[ch], inv * 1e-6, kernel.name() + " s " + s + " channel " + ch);
                }
            }
        }
    }

    @Test
    void backwardSkipsWhatIsNotAsked() {
        int n = 3;
        int c = 2;
        int s = 20;
        SplittableRandom random = new SplittableRandom(9);
        float[] x = random(random, n * c * s, 0, 1);
        float[] dy = random(random, n * c * s, 0, 1);
        float[] mean = new float[c];
        float[] invStd = new float[c];
        FAST.forwardTraining(n, c, s, x, 0, null, null, 1e-5f, new float[x.length], 0, mean, invStd, null, null, 0.1);
        for (BatchNormKernel kernel : new BatchNormKernel[]{SCALAR, FAST}) {
            float[] full = new float[x.length];
            kernel.backwardTraining(n, c, s, x, 0, dy, 0, null, mean, invStd, full, 0, null, null);
            float[] dw = new float[c];
            kernel.backwardTraining(n, c, s, x, 0, dy, 0, null, mean, invStd, null, 0, dw, null);
            float[] withAll = new float[x.length];
            float[] dw2 = new float[c];
            float[] db2 = new float[c];
            kernel.backwardTraining(n, c, s, x, 0, dy, 0, null, mean, invStd, withAll, 0, dw2, db2);
            assertArrayEquals(withAll, full, kernel.name());
            assertArrayEquals(dw2, dw, kernel.name());
        }
    }
}
