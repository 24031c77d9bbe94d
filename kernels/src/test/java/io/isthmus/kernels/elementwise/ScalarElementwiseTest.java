package io.isthmus.kernels.elementwise;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scalar oracle against values computed independently: closed forms in double, finite
 * differences for every backward pass, and PyTorch's Adam formula worked in double.
 */
class ScalarElementwiseTest {

    private static final ScalarElementwise K = new ScalarElementwise();
    /** Float results of double computations: a couple of float ulps. */
    private static final double FLOAT_RELATIVE = 2.5e-7;

    @Test
    void erfMatchesTabulatedValues() {
        assertEquals(0.5204998778130465, Erf.erf(0.5), 1e-15);
        assertEquals(0.9953222650189527, Erf.erf(2), 1e-15);
        assertEquals(0.9999779095030014, Erf.erf(3), 1e-15);
        assertEquals(-0.5204998778130465, Erf.erf(-0.5), 1e-15);
        assertEquals(0.0, Erf.erf(0), 0);
        assertEquals(1.0, Erf.erf(7), 1e-15);
        assertTrue(Double.isNaN(Erf.erf(Double.NaN)));
    }

    @Test
    void activationsMatchClosedForms() {
        assertUnary(K::gelu, 1f, 0.8413447460685429);
        assertUnary(K::gelu, -1f, -0.15865525393145707);
        assertUnary(K::gelu, 2f, 2 * 0.9772498680518208);
        assertUnary(K::gelu, 0f, 0);
        double k = Math.sqrt(2 / Math.PI);
        assertUnary(K::geluTanh, 1f, 0.5 * (1 + Math.tanh(k * (1 + 0.044715))));
        assertUnary(K::geluTanh, -2f, 0.5 * -2 * (1 + Math.tanh(k * (-2 + 0.044715 * -8))));
        assertUnary(K::sigmoid, 0f, 0.5);
        assertUnary(K::sigmoid, 2f, 0.8807970779778823);
        assertUnary(K::sigmoid, -2f, 0.11920292202211755);
        assertUnary(K::sigmoid, -80f, 1.8048513878454153e-35);
        assertUnary(K::sigmoid, -1e4f, 0);
        assertUnary(K::sigmoid, 1e4f, 1);
        assertUnary(K::tanh, 0.5f, 0.46211715726000974);
        assertUnary(K::tanh, -80f, -1);
        assertUnary(K::silu, 1f, 0.7310585786300049);
        assertUnary(K::silu, -80f, -80 * 1.8048513878454153e-35);
        assertUnary((x, xo, y, yo, n) -> K.elu(1f, x, xo, y, yo, n), -1f, -0.6321205588285577);
        assertUnary((x, xo, y, yo, n) -> K.elu(2f, x, xo, y, yo, n), 3f, 3);
        assertUnary((x, xo, y, yo, n) -> K.leakyRelu(0.1f, x, xo, y, yo, n), -2f, -0.2);
        assertUnary(K::relu, -2f, 0);
        assertUnary(K::relu, 2.5f, 2.5);
    }

    /** Every backward pass against a central difference of its forward pass (h = 1e-2, truncation ~1e-5). */
    @Test
    void backwardPassesMatchFiniteDifferences() {
        float[] points = {-3f, -1.3f, -0.5f, 0.3f, 1f, 2.5f};
        checkGradient(K::gelu, K::geluBackward, points);
        checkGradient(K::geluTanh, K::geluTanhBackward, points);
        checkGradient(K::silu, K::siluBackward, points);
        checkGradient((x, xo, y, yo, n) -> K.elu(1.5f, x, xo, y, yo, n),
                (x, xo, dy, dyo, dx, dxo, n) -> K.eluBackward(1.5f, x, xo, dy, dyo, dx, dxo, n), points);
        checkGradient((x, xo, y, yo, n) -> K.leakyRelu(0.1f, x, xo, y, yo, n),
                (x, xo, dy, dyo, dx, dxo, n) -> K.leakyReluBackward(0.1f, x, xo, dy, dyo, dx, dxo, n), points);
        checkGradient(K::relu, K::reluBackward, points);
        // sigmoid and tanh take their forward output y
        checkGradient(K::sigmoid, (x, xo, dy, dyo, dx, dxo, n) -> {
            float[] y = new float[n];
            K.sigmoid(x, xo, y, 0, n);
            K.sigmoidBackward(y, 0, dy, dyo, dx, dxo, n);
        }, points);
        checkGradient(K::tanh, (x, xo, dy, dyo, dx, dxo, n) -> {
            float[] y = new float[n];
            K.tanh(x, xo, y, 0, n);
            K.tanhBackward(y, 0, dy, dyo, dx, dxo, n);
        }, points);
    }

    @Test
    void softmaxMatchesClosedFormSumsToOneAndIgnoresShifts() {
        float[] y = new float[3];
        K.softmaxRows(new float[] {1, 2, 3}, 0, y, 0, 1, 3);
        assertRelative(0.09003057317038046, y[0]);
        assertRelative(0.24472847105479767, y[1]);
        assertRelative(0.6652409557748219, y[2]);
        K.logSoftmaxRows(new float[] {1, 2, 3}, 0, y, 0, 1, 3);
        assertRelative(-2.4076059644443806, y[0]);
        assertRelative(-1.4076059644443806, y[1]);
        assertRelative(-0.4076059644443806, y[2]);

        SplittableRandom random = new SplittableRandom(1);
        int rows = 4;
        int cols = 37;
        float[] x = new float[rows * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextDouble() * 20 - 10);
        }
        float[] p = new float[x.length];
        K.softmaxRows(x, 0, p, 0, rows, cols);
        float[] shifted = x.clone();
        for (int i = 0; i < shifted.length; i++) {
            shifted[i] += 1000f;
        }
        float[] pShifted = new float[x.length];
        K.softmaxRows(shifted, 0, pShifted, 0, rows, cols);
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                sum += p[r * cols + j];
                // x + 1000 rounds x to a multiple of 2^-14, so compare loosely
                assertEquals(p[r * cols + j], pShifted[r * cols + j], 1e-3 * p[r * cols + j] + 1e-30);
            }
            assertEquals(1.0, sum, 1e-6);
        }
    }

    @Test
    void softmaxBackwardPassesMatchFiniteDifferences() {
        float[] x = {0.3f, -1.2f, 2.0f, 0.7f, -0.4f};
        float[] dy = {0.5f, -1.0f, 0.25f, 2.0f, -0.75f};
        int n = x.length;
        float[] y = new float[n];
        float[] dx = new float[n];
        K.softmaxRows(x, 0, y, 0, 1, n);
        K.softmaxRowsBackward(y, 0, dy, 0, dx, 0, 1, n);
        float[] logY = new float[n];
        float[] logDx = new float[n];
        K.logSoftmaxRows(x, 0, logY, 0, 1, n);
        K.logSoftmaxRowsBackward(logY, 0, dy, 0, logDx, 0, 1, n);
        double h = 1e-2;
        for (int i = 0; i < n; i++) {
            assertEquals(centralDifference(x, dy, i, h, false), dx[i], 1e-4, "softmax d/dx" + i);
            assertEquals(centralDifference(x, dy, i, h, true), logDx[i], 1e-4, "logSoftmax d/dx" + i);
        }
    }

    /** d/dx_i of sum_j dy_j f(x)_j with f softmax or log-softmax, in double. */
    private static double centralDifference(float[] x, float[] dy, int i, double h, boolean log) {
        return (weightedSoftmax(x, dy, i, h, log) - weightedSoftmax(x, dy, i, -h, log)) / (2 * h);
    }

    private static double weightedSoftmax(float[] x, float[] dy, int i, double h, boolean log) {
        double[] z = new double[x.length];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < x.length; j++) {
            z[j] = x[j] + (j == i ? h : 0);
            max = Math.max(max, z[j]);
        }
        double sum = 0;
        for (double v : z) {
            sum += Math.exp(v - max);
        }
        double total = 0;
        for (int j = 0; j < x.length; j++) {
            double logP = z[j] - max - Math.log(sum);
            total += dy[j] * (log ? logP : Math.exp(logP));
        }
        return total;
    }

    @Test
    void reductionsMatchExactValues() {
        float[] x = {9f, 1f, 2f, 3.5f, -4f};
        assertEquals(2.5f, K.sum(x, 1, 4));
        assertEquals(0f, K.sum(x, 1, 0));
        assertEquals(3.5f, K.max(x, 1, 4));
        assertEquals(Float.NEGATIVE_INFINITY, K.max(x, 0, 0));
        assertTrue(Float.isNaN(K.max(new float[] {1f, Float.NaN, 5f}, 0, 3)));
        assertEquals(1 * 2 + 2 * 3.5f + 3.5f * -4, K.dot(x, 1, x, 2, 3));
        assertEquals(1 + 4 + 12.25f + 16, K.sumOfSquares(x, 1, 4));
    }

    @Test
    void adamFollowsPyTorchOverTwoHandWorkedSteps() {
        for (boolean decoupled : new boolean[] {false, true}) {
            // the float hyperparameters the kernel sees, worked in double
            double lr = 0.01f;
            double beta1 = 0.9f;
            double beta2 = 0.999f;
            double eps = 1e-8f;
            double wd = 0.1f;
            double[] p = {0.5, -1.0, 2.0};
            double[][] grads = {{0.1, -0.2, 0.0}, {-0.3, 0.05, 1.0}};
            double[] m = new double[3];
            double[] v = new double[3];
            float[] param = {0.5f, -1.0f, 2.0f};
            float[] fm = new float[3];
            float[] fv = new float[3];
            for (int step = 1; step <= 2; step++) {
                for (int i = 0; i < 3; i++) {
                    // torch.optim.Adam / AdamW, as documented
                    double g = grads[step - 1][i];
                    if (decoupled) {
                        p[i] -= lr * wd * p[i];
                    } else {
                        g += wd * p[i];
                    }
                    m[i] = beta1 * m[i] + (1 - beta1) * g;
                    v[i] = beta2 * v[i] + (1 - beta2) * g * g;
                    double mHat = m[i] / (1 - Math.pow(beta1, step));
                    double vHat = v[i] / (1 - Math.pow(beta2, step));
                    p[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
                }
                float[] grad = {(float) grads[step - 1][0], (float) grads[step - 1][1], (float) grads[step - 1][2]};
                K.adamUpdate(param, grad, fm, fv, 0, 3, (float) lr, (float) beta1, (float) beta2, (float) eps,
                        (float) wd, decoupled, step);
                for (int i = 0; i < 3; i++) {
                    assertEquals(p[i], param[i], 1e-6 * Math.abs(p[i]), (decoupled ? "AdamW" : "Adam") + " step " + step + " param " + i);
                    assertEquals(m[i], fm[i], 1e-6 * Math.abs(m[i]) + 1e-12, "m " + i);
                    assertEquals(v[i], fv[i], 1e-6 * Math.abs(v[i]) + 1e-12, "v " + i);
                }
            }
        }
    }

    /** By hand: Adam's first step without decay moves each weight by lr against the sign of its gradient. */
    @Test
    void adamFirstStepMovesEachWeightByTheLearningRate() {
        float[] param = {0.5f, -1.0f, 2.0f};
        float[] grad = {0.1f, -3f, 1e-3f};
        K.adamUpdate(param, grad, new float[3], new float[3], 0, 3, 0.01f, 0.9f, 0.999f, 1e-8f, 0f, false, 1);
        assertEquals(0.49f, param[0], 1e-6);
        assertEquals(-0.99f, param[1], 1e-6);
        assertEquals(1.99f, param[2], 1e-5);
    }

    @FunctionalInterface
    private interface Unary {
        void run(float[] x, int xOff, float[] y, int yOff, int n);
    }

    @FunctionalInterface
    private interface Backward {
        void run(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n);
    }

    private static void assertUnary(Unary kernel, float x, double expected) {
        float[] out = new float[2];
        kernel.run(new float[] {7f, x}, 1, out, 1, 1);
        assertEquals(expected, out[1], FLOAT_RELATIVE * Math.abs(expected), "f(" + x + ")");
        assertEquals(0f, out[0], "nothing written before the range");
    }

    private static void assertRelative(double expected, float actual) {
        assertEquals(expected, actual, FLOAT_RELATIVE * Math.abs(expected));
    }

    private static void checkGradient(Unary forward, Backward backward, float[] points) {
        double h = 1e-2;
        int n = points.length;
        float[] plus = new float[n];
        float[] minus = new float[n];
        for (int i = 0; i < n; i++) {
            plus[i] = (float) (points[i] + h);
            minus[i] = (float) (points[i] - h);
        }
        float[] fPlus = new float[n];
        float[] fMinus = new float[n];
        forward.run(plus, 0, fPlus, 0, n);
        forward.run(minus, 0, fMinus, 0, n);
        float[] dy = new float[n];
        java.util.Arrays.fill(dy, 1f);
        float[] dx = new float[n];
        backward.run(points, 0, dy, 0, dx, 0, n);
        for (int i = 0; i < n; i++) {
            double numeric = ((double) fPlus[i] - fMinus[i]) / ((double) plus[i] - minus[i]);
            assertEquals(numeric, dx[i], 1e-4, "gradient at " + points[i]);
        }
    }
}
