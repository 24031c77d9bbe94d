package io.isthmus.kernels.elementwise;

import io.isthmus.kernels.simd.SimdElementwise;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.SplittableRandom;

import static io.isthmus.kernels.elementwise.ElementwiseChecks.SENTINEL;
import static io.isthmus.kernels.elementwise.ElementwiseChecks.assertBitIdentical;
import static io.isthmus.kernels.elementwise.ElementwiseChecks.assertClose;
import static io.isthmus.kernels.elementwise.ElementwiseChecks.padded;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Row kernels (softmax, log-softmax and their backward passes), SIMD against scalar on
 * rows x cols with cols 1..70, 1000 and 100_003, awkward row counts, offsets and in place.
 *
 * <p>Bounds asserted, from the row sum's float error (below 2.5e-6 relative; the SIMD
 * reductions' bound is 3e-6 sum |terms|) and exp's 1e-7:
 * softmax 3e-6 relative; log-softmax 3e-6 absolute + 2 ulp;
 * softmax backward |y_i| (3e-6 sum_j |dy_j y_j|) + 2 ulp; log-softmax backward
 * exp(y_i) (3e-6 sum_j |dy_j| + 2e-7 |sum dy|) + 2 ulp.
 */
class SimdRowKernelsTest {

    private static final ScalarElementwise SCALAR = new ScalarElementwise();
    private static final double TWO_ULPS = 2.4e-7;

    static java.util.stream.Stream<VectorSpecies<Float>> species() {
        return SimdElementwiseTest.species();
    }

    private static int[][] shapes() {
        int[][] shapes = new int[3 * 70 + 3][];
        int k = 0;
        for (int rows : new int[] {1, 2, 5}) {
            for (int cols = 1; cols <= 70; cols++) {
                shapes[k++] = new int[] {rows, cols};
            }
        }
        shapes[k++] = new int[] {3, 1000};
        shapes[k++] = new int[] {7, 128};
        shapes[k] = new int[] {1, SimdElementwiseTest.LARGE};
        return shapes;
    }

    /** Logits: mostly N(0, 3)-like spread, some rows shifted far (1e4) to exercise the max subtraction. */
    private static float[] logits(SplittableRandom random, int rows, int cols) {
        float[] x = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            float shift = r % 3 == 1 ? 1e4f : r % 3 == 2 ? -50f : 0f;
            for (int j = 0; j < cols; j++) {
                x[r * cols + j] = shift + (float) ((random.nextDouble() * 2 - 1) * 6);
            }
        }
        return x;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("species")
    void softmaxAndLogSoftmaxMatchScalar(VectorSpecies<Float> species) {
        Elementwise simd = new SimdElementwise(species);
        SplittableRandom random = new SplittableRandom(3);
        for (int[] shape : shapes()) {
            int rows = shape[0];
            int cols = shape[1];
            String what = rows + "x" + cols;
            float[] x = padded(logits(random, rows, cols), 3);
            int n = rows * cols;

            float[] expected = filled(x.length);
            float[] actual = filled(x.length);
            SCALAR.softmaxRows(x, 3, expected, 6, rows, cols);
            simd.softmaxRows(x, 3, actual, 6, rows, cols);
            assertRange(expected, actual, 6, n, i -> 3e-6 * Math.abs(expected[i]), "softmax " + what);

            float[] inPlace = x.clone();
            simd.softmaxRows(inPlace, 3, inPlace, 3, rows, cols);
            float[] expectedInPlace = x.clone();
            SCALAR.softmaxRows(expectedInPlace, 3, expectedInPlace, 3, rows, cols);
            assertRange(expectedInPlace, inPlace, 3, n, i -> 3e-6 * Math.abs(expectedInPlace[i]), "softmax in place " + what);

            float[] expectedLog = filled(x.length);
            float[] actualLog = filled(x.length);
            SCALAR.logSoftmaxRows(x, 3, expectedLog, 6, rows, cols);
            simd.logSoftmaxRows(x, 3, actualLog, 6, rows, cols);
            assertRange(expectedLog, actualLog, 6, n, i -> 3e-6 + TWO_ULPS * Math.abs(expectedLog[i]), "logSoftmax " + what);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("species")
    void backwardPassesMatchScalar(VectorSpecies<Float> species) {
        Elementwise simd = new SimdElementwise(species);
        SplittableRandom random = new SplittableRandom(5);
        for (int[] shape : shapes()) {
            int rows = shape[0];
            int cols = shape[1];
            String what = rows + "x" + cols;
            int n = rows * cols;
            float[] y = new float[n];
            SCALAR.softmaxRows(logits(random, rows, cols), 0, y, 0, rows, cols);
            float[] logY = new float[n];
            SCALAR.logSoftmaxRows(logits(random, rows, cols), 0, logY, 0, rows, cols);
            float[] dy = Inputs.GRADIENT.fill(random, n);

            double[] softmaxBound = new double[n];
            double[] logSoftmaxBound = new double[n];
            for (int r = 0; r < rows; r++) {
                double absDot = 0;
                double absSum = 0;
                double sum = 0;
                for (int j = 0; j < cols; j++) {
                    absDot += Math.abs((double) dy[r * cols + j] * y[r * cols + j]);
                    absSum += Math.abs(dy[r * cols + j]);
                    sum += dy[r * cols + j];
                }
                for (int j = 0; j < cols; j++) {
                    int i = r * cols + j;
                    softmaxBound[i] = Math.abs(y[i]) * (3e-6 * absDot + Math.ulp((float) absDot));
                    logSoftmaxBound[i] = Math.exp(logY[i]) * (3e-6 * absSum + 2e-7 * Math.abs(sum) + Math.ulp((float) absSum));
                }
            }

            float[] expected = filled(n + 12);
            float[] actual = filled(n + 12);
            SCALAR.softmaxRowsBackward(y, 0, dy, 0, expected, 4, rows, cols);
            simd.softmaxRowsBackward(y, 0, dy, 0, actual, 4, rows, cols);
            assertRange(expected, actual, 4, n, i -> softmaxBound[i - 4] + TWO_ULPS * Math.abs(expected[i]),
                    "softmaxBackward " + what);

            float[] expectedLog = filled(n + 12);
            float[] actualLog = filled(n + 12);
            SCALAR.logSoftmaxRowsBackward(logY, 0, dy, 0, expectedLog, 4, rows, cols);
            simd.logSoftmaxRowsBackward(logY, 0, dy, 0, actualLog, 4, rows, cols);
            assertRange(expectedLog, actualLog, 4, n, i -> logSoftmaxBound[i - 4] + TWO_ULPS * Math.abs(expectedLog[i]),
                    "logSoftmaxBackward " + what);

            // in place: dx written over dy
            float[] dyInPlace = dy.clone();
            simd.softmaxRowsBackward(y, 0, dyInPlace, 0, dyInPlace, 0, rows, cols);
            assertRange(Arrays.copyOfRange(expected, 4, 4 + n), dyInPlace, 0, n,
                    i -> softmaxBound[i] + TWO_ULPS * Math.abs(expected[4 + i]), "softmaxBackward in place " + what);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("species")
    void softmaxOfHugeAndMaskedRowsIsFiniteAndSumsToOne(VectorSpecies<Float> species) {
        Elementwise simd = new SimdElementwise(species);
        float[] special = {1e30f, -1e30f, 3e38f, -3e38f, Float.NEGATIVE_INFINITY, 0f, 88f, -88f, 1000f, -1000f, 1e4f,
            -104f, 89f, Float.MAX_VALUE, -Float.MAX_VALUE};
        for (int cols = 1; cols <= 3 * species.length() + 3; cols++) {
            float[] row = new float[cols];
            for (int j = 0; j < cols; j++) {
                row[j] = special[(j * 7 + cols) % special.length];
            }
            if (allMinusInfinity(row)) {
                row[0] = 0f;
            }
            float[] y = new float[cols];
            simd.softmaxRows(row, 0, y, 0, 1, cols);
            float[] expected = new float[cols];
            SCALAR.softmaxRows(row, 0, expected, 0, 1, cols);
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                assertTrue(Float.isFinite(y[j]) && y[j] >= 0f && y[j] <= 1f, "softmax " + Arrays.toString(row) + " at " + j + " = " + y[j]);
                assertClose(expected[j], y[j], 3e-6 * Math.abs(expected[j]), "softmax of " + Arrays.toString(row) + " at " + j);
                if (row[j] == Float.NEGATIVE_INFINITY) {
                    assertEquals(0f, y[j], "a masked (-Inf) logit gets probability 0");
                }
                sum += y[j];
            }
            assertEquals(1.0, sum, 1e-6, "softmax sums to 1: " + Arrays.toString(row));

            float[] logY = new float[cols];
            simd.logSoftmaxRows(row, 0, logY, 0, 1, cols);
            float[] expectedLog = new float[cols];
            SCALAR.logSoftmaxRows(row, 0, expectedLog, 0, 1, cols);
            for (int j = 0; j < cols; j++) {
                // -Inf only where x - max itself overflows in float (a masked logit, or -3e38 against 3e38)
                boolean overflows = row[j] - SCALAR.max(row, 0, cols) == Float.NEGATIVE_INFINITY;
                assertTrue(overflows ? logY[j] == Float.NEGATIVE_INFINITY : Float.isFinite(logY[j]),
                        "logSoftmax " + Arrays.toString(row) + " at " + j + " = " + logY[j]);
                assertClose(expectedLog[j], logY[j], 3e-6 + TWO_ULPS * Math.abs(expectedLog[j]), "logSoftmax at " + j);
            }
        }
    }

    private static boolean allMinusInfinity(float[] row) {
        for (float v : row) {
            if (v != Float.NEGATIVE_INFINITY) {
                return false;
            }
        }
        return true;
    }

    private static float[] filled(int length) {
        float[] out = new float[length];
        Arrays.fill(out, SENTINEL);
        return out;
    }

    private interface Bound {
        double at(int index);
    }

    /** [off, off + n) within the bound at each index; everything else bit-identical. */
    private static void assertRange(float[] expected, float[] actual, int off, int n, Bound bound, String what) {
        for (int i = 0; i < expected.length; i++) {
            if (i >= off && i < off + n) {
                assertClose(expected[i], actual[i], bound.at(i), what + " at " + (i - off));
            } else {
                assertBitIdentical(new float[] {expected[i]}, new float[] {actual[i]}, what + " outside the range at " + i);
            }
        }
    }
}
