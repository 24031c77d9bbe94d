package io.isthmus.golden;

import io.isthmus.nn.LayerNorm;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The layer norm of {@link LayerNormGoldenTest}'s case, with its eps, on odd sizes (last axis 1,
 * 7, 33, 130; leading axes 1 to 17): output against a float64 reference, the gradients of x,
 * weight and bias of sum(out * grad_out) against float64 central differences of that reference,
 * within 1e-5 absolute + 1e-4 relative.
 */
class LayerNormOddSizesTest {

    static final GoldenSuite SUITE = GoldenSuite.oddSizes("layernorm");

    private static final double ATOL = 1e-5;
    private static final double RTOL = 1e-4;
    private static final int[][] SHAPES = {{1, 1}, {7, 1}, {1, 7}, {3, 5, 7}, {17, 33}, {2, 130}, {33}};

    @TestFactory
    Stream<DynamicTest> matchesTheFloat64ReferenceOnOddSizes() {
        return SUITE.cases().stream().flatMap(c -> Arrays.stream(SHAPES)
                .map(s -> DynamicTest.dynamicTest(c.name() + " " + Arrays.toString(s), () -> check(c, s))));
    }

    private static void check(GoldenCase c, int[] shape) {
        int d = shape[shape.length - 1];
        int size = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        SplittableRandom random = new SplittableRandom(Arrays.hashCode(shape));
        float[] x = DoubleReference.uniform(random, size, -2, 3, 0);
        float[] w = DoubleReference.uniform(random, d, 0.5, 1.5, 0);
        float[] b = DoubleReference.uniform(random, d, -1, 1, 0);
        float[] gradOut = DoubleReference.uniform(random, size, -1, 1, 0);
        double eps = c.number("eps", 1e-5);
        LayerNorm layer = new LayerNorm(d, eps);
        System.arraycopy(w, 0, layer.weight().data(), 0, d);
        System.arraycopy(b, 0, layer.bias().data(), 0, d);
        Tensor input = Tensor.of(x.clone(), shape).requiresGrad(true);
        Tensor out = layer.forward(input);
        out.backward(gradOut);

        Function<double[][], double[]> f = a -> normalize(a[0], a[1], a[2], d, eps);
        DoubleReference.assertAffine(c.name() + " x " + Arrays.toString(shape), f, x, w, b, gradOut, out, input,
                layer.weight(), layer.bias(), ATOL, RTOL);
    }

    /** Layer norm in float64 over rows of d: (x - mean) / sqrt(var + eps) * w + b. */
    static double[] normalize(double[] x, double[] w, double[] b, int d, double eps) {
        double[] y = new double[x.length];
        for (int off = 0; off < x.length; off += d) {
            double mean = 0;
            for (int i = 0; i < d; i++) {
                mean += x[off + i];
            }
            mean /= d;
            double var = 0;
            for (int i = 0; i < d; i++) {
                var += (x[off + i] - mean) * (x[off + i] - mean);
            }
            double inv = 1 / Math.sqrt(var / d + eps);
            for (int i = 0; i < d; i++) {
                y[off + i] = (x[off + i] - mean) * inv * w[i] + b[i];
            }
        }
        return y;
    }
}
