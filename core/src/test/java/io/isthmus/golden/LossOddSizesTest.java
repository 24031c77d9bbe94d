package io.isthmus.golden;

import io.isthmus.loss.BCEWithLogitsLoss;
import io.isthmus.loss.CrossEntropyLoss;
import io.isthmus.loss.Loss;
import io.isthmus.loss.MSELoss;
import io.isthmus.loss.Reduction;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.ToDoubleBiFunction;
import java.util.stream.Stream;

/**
 * The losses of the golden cases of {@link LossGoldenTest}, with each case's settings, on odd
 * [batch, classes] sizes: the loss against a float64 reference and the gradients of
 * loss * grad_out (input, and target where PyTorch differentiates it) against float64 central
 * differences of that reference, within 1e-5 absolute + 1e-4 relative.
 */
class LossOddSizesTest {

    static final GoldenSuite SUITE = GoldenSuite.oddSizes("cross_entropy", "cross_entropy_smooth", "mse", "bce_with_logits");

    private static final double ATOL = 1e-5;
    private static final double RTOL = 1e-4;
    private static final int[][] SHAPES = {{1, 1}, {1, 7}, {7, 1}, {7, 17}, {33, 17}, {7, 127}, {17, 33}};

    /** One loss from a case's settings: the implementation, its float64 reference, whether the target has a gradient. */
    private record Setup(Loss loss, ToDoubleBiFunction<double[], double[]> reference, boolean targetHasGradient) {
    }

    @TestFactory
    Stream<DynamicTest> matchesTheFloat64ReferenceOnOddSizes() {
        return SUITE.cases().stream().flatMap(c -> Arrays.stream(SHAPES).map(s ->
                DynamicTest.dynamicTest(c.name() + " " + Arrays.toString(s), () -> check(c, s[0], s[1]))));
    }

    private static void check(GoldenCase c, int batch, int classes) {
        Setup setup = setup(c, batch, classes);
        SplittableRandom random = new SplittableRandom(100L * batch + classes);
        float[] input = DoubleReference.uniform(random, batch * classes, -4, 4, 0);
        boolean labels = c.op().startsWith("cross_entropy");
        float[] target = labels ? labels(random, batch, classes) : DoubleReference.uniform(random, batch * classes, 0, 1, 0);
        float gradOut = (float) (0.5 + random.nextDouble());
        Tensor x = Tensor.of(input.clone(), batch, classes).requiresGrad(true);
        io.isthmus.tensor.AnyTensor y = labels ? io.isthmus.tensor.IndexTensor.fromFloats(Tensor.of(target.clone(), batch))
                : Tensor.of(target.clone(), batch, classes).requiresGrad(true);
        Tensor out = setup.loss().forward(x, y);
        out.backward(new float[]{gradOut});

        double[] xd = DoubleReference.widen(input);
        double[] yd = DoubleReference.widen(target);
        String what = c.name() + " [" + batch + ", " + classes + "]";
        DoubleReference.assertClose(what + " out", new double[]{setup.reference().applyAsDouble(xd, yd)}, out.data(),
                ATOL, RTOL);
        double[] gradX = DoubleReference.gradient(v -> gradOut * setup.reference().applyAsDouble(v, yd), xd);
        DoubleReference.assertClose(what + " grad.input", gradX, x.grad(), ATOL, RTOL);
        if (setup.targetHasGradient()) {
            double[] gradY = DoubleReference.gradient(v -> gradOut * setup.reference().applyAsDouble(xd, v), yd);
            DoubleReference.assertClose(what + " grad.target", gradY, ((Tensor) y).grad(), ATOL, RTOL);
        }
    }

    private static Setup setup(GoldenCase c, int batch, int classes) {
        Set<String> settings = new HashSet<>(c.meta().keySet());
        settings.removeAll(Set.of("op", "reduction", "label_smoothing"));
        if (!settings.isEmpty()) {
            throw new AssertionError(c.name() + ": settings " + settings + " are not understood by this test");
        }
        Reduction reduction = Reduction.valueOf(c.string("reduction").toUpperCase(Locale.ROOT));
        if (reduction == Reduction.NONE) {
            throw new AssertionError(c.name() + ": reduction none is not understood by this test");
        }
        boolean mean = reduction == Reduction.MEAN;
        return switch (c.op()) {
            case "cross_entropy", "cross_entropy_smooth" -> {
                double smoothing = c.number("label_smoothing", 0);
                yield new Setup(new CrossEntropyLoss().withReduction(reduction).withLabelSmoothing(smoothing),
                        (x, y) -> reduce(crossEntropy(x, y, batch, classes, smoothing), batch, mean), false);
            }
            case "mse" -> new Setup(new MSELoss(reduction), (x, y) -> {
                double sum = 0;
                for (int i = 0; i < x.length; i++) {
                    sum += (x[i] - y[i]) * (x[i] - y[i]);
                }
                return reduce(sum, x.length, mean);
            }, true);
            case "bce_with_logits" -> new Setup(new BCEWithLogitsLoss().withReduction(reduction), (x, y) -> {
                double sum = 0;
                for (int i = 0; i < x.length; i++) {
                    sum += Math.max(x[i], 0) - x[i] * y[i] + Math.log1p(Math.exp(-Math.abs(x[i])));
                }
                return reduce(sum, x.length, mean);
            }, true);
            default -> throw new AssertionError("unexpected op " + c.op());
        };
    }

    /** The sum, divided by count for the mean reduction. */
    private static double reduce(double sum, int count, boolean mean) {
        return mean ? sum / count : sum;
    }

    /** Sum over rows of -(1 - s) log p[label] - (s / C) sum_c log p[c], p = softmax of the row. */
    private static double crossEntropy(double[] logits, double[] labels, int batch, int classes, double smoothing) {
        double total = 0;
        for (int n = 0; n < batch; n++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < classes; k++) {
                max = Math.max(max, logits[n * classes + k]);
            }
            double sumExp = 0;
            for (int k = 0; k < classes; k++) {
                sumExp += Math.exp(logits[n * classes + k] - max);
            }
            double logSum = max + Math.log(sumExp);
            double sumLogP = 0;
            for (int k = 0; k < classes; k++) {
                sumLogP += logits[n * classes + k] - logSum;
            }
            double logPLabel = logits[n * classes + (int) labels[n]] - logSum;
            total += -(1 - smoothing) * logPLabel - smoothing / classes * sumLogP;
        }
        return total;
    }

    private static float[] labels(SplittableRandom random, int batch, int classes) {
        float[] labels = new float[batch];
        for (int n = 0; n < batch; n++) {
            labels[n] = random.nextInt(classes);
        }
        return labels;
    }
}
