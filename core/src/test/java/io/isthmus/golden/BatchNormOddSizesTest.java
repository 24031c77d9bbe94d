package io.isthmus.golden;

import io.isthmus.nn.BatchNormBase;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The batch-norm layers of {@link BatchNormGoldenTest}'s cases, with each case's eps and
 * momentum, in training mode on odd sizes ([N, C] and [N, C, L] for BatchNorm1d, [N, C, H, W]
 * for BatchNorm2d; N and C of 1 to 33): output against a float64 reference, the gradients of x,
 * weight and bias of sum(out * grad_out) against float64 central differences of that reference,
 * and the running statistics after the step against PyTorch's update rule, within 1e-5 absolute
 * + 1e-4 relative.
 */
class BatchNormOddSizesTest {

    static final GoldenSuite SUITE = GoldenSuite.oddSizes("batchnorm1d_train", "batchnorm2d_train");

    private static final double ATOL = 1e-5;
    private static final double RTOL = 1e-4;
    private static final int[][] SHAPES_1D = {{2, 1}, {7, 3}, {33, 17}, {3, 7, 1}, {1, 3, 7}, {5, 1, 17}, {2, 5, 33}};
    private static final int[][] SHAPES_2D = {{2, 1, 1, 1}, {1, 3, 7, 7}, {3, 1, 5, 17}, {2, 7, 3, 1}, {1, 17, 1, 33},
            {5, 3, 9, 7}};

    @TestFactory
    Stream<DynamicTest> matchesTheFloat64ReferenceOnOddSizes() {
        return SUITE.cases().stream().flatMap(c -> Arrays.stream(c.op().equals("batchnorm1d") ? SHAPES_1D : SHAPES_2D)
                .map(s -> DynamicTest.dynamicTest(c.name() + " " + Arrays.toString(s), () -> check(c, s))));
    }

    private static void check(GoldenCase c, int[] shape) {
        int n = shape[0];
        int ch = shape[1];
        int size = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        int s = size / n / ch;
        SplittableRandom random = new SplittableRandom(Arrays.hashCode(shape));
        float[] x = DoubleReference.uniform(random, size, -2, 3, 0);
        float[] w = DoubleReference.uniform(random, ch, 0.5, 1.5, 0);
        float[] b = DoubleReference.uniform(random, ch, -1, 1, 0);
        float[] gradOut = DoubleReference.uniform(random, size, -1, 1, 0);
        BatchNormBase layer = BatchNormGoldenTest.layer(c, ch);
        System.arraycopy(w, 0, layer.weight().data(), 0, ch);
        System.arraycopy(b, 0, layer.bias().data(), 0, ch);
        Tensor input = Tensor.of(x.clone(), shape).requiresGrad(true);
        Tensor out = layer.forward(input);
        out.backward(gradOut);

        double eps = c.number("eps", 1e-5);
        double momentum = c.number("momentum", 0.1);
        double[] xd = DoubleReference.widen(x);
        Function<double[][], double[]> f = a -> normalize(a[0], a[1], a[2], n, ch, s, eps);
        String what = c.name() + " x " + Arrays.toString(shape);
        DoubleReference.assertAffine(what, f, x, w, b, gradOut, out, input,
                layer.weight(), layer.bias(), ATOL, RTOL);

        double[] runningMean = new double[ch];
        double[] runningVar = new double[ch];
        int m = n * s;
        for (int k = 0; k < ch; k++) {
            double[] stats = stats(xd, n, ch, s, k);
            runningMean[k] = momentum * stats[0];
            runningVar[k] = (1 - momentum) + momentum * stats[1] * m / (m - 1);
        }
        DoubleReference.assertClose(what + " running_mean", runningMean, layer.runningMean().data(), ATOL, RTOL);
        DoubleReference.assertClose(what + " running_var (unbiased)", runningVar, layer.runningVar().data(), ATOL, RTOL);
    }

    /** {mean, biased variance} of channel k of x: [n, ch, s]. */
    private static double[] stats(double[] x, int n, int ch, int s, int k) {
        double sum = 0;
        for (int b = 0; b < n; b++) {
            for (int i = 0; i < s; i++) {
                sum += x[(b * ch + k) * s + i];
            }
        }
        double mean = sum / (n * s);
        double squares = 0;
        for (int b = 0; b < n; b++) {
            for (int i = 0; i < s; i++) {
                double d = x[(b * ch + k) * s + i] - mean;
                squares += d * d;
            }
        }
        return new double[]{mean, squares / (n * s)};
    }

    /** Training-mode batch norm in float64: (x - mean) / sqrt(var + eps) * w + b per channel. */
    private static double[] normalize(double[] x, double[] w, double[] b, int n, int ch, int s, double eps) {
        double[] y = new double[x.length];
        for (int k = 0; k < ch; k++) {
            double[] stats = stats(x, n, ch, s, k);
            double inv = 1 / Math.sqrt(stats[1] + eps);
            for (int bi = 0; bi < n; bi++) {
                for (int i = 0; i < s; i++) {
                    int at = (bi * ch + k) * s + i;
                    y[at] = (x[at] - stats[0]) * inv * w[k] + b[k];
                }
            }
        }
        return y;
    }
}
