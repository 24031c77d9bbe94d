package io.isthmus.golden;

import io.isthmus.tensor.Tensor;

import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Helpers for the odd-size checks: random inputs, float64 central differences of a float64
 * reference, and the comparison of a float32 result with float64 values.
 */
final class DoubleReference {

    private DoubleReference() {
    }

    /** Uniform in [low, high); with {@code gap > 0}, values within gap of 0 are pushed out to +-gap (kinks). */
    static float[] uniform(SplittableRandom random, int n, double low, double high, double gap) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            double v = low + random.nextDouble() * (high - low);
            if (Math.abs(v) < gap) {
                v = v < 0 ? -gap : gap;
            }
            values[i] = (float) v;
        }
        return values;
    }

    static double[] widen(float[] values) {
        double[] wide = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            wide[i] = values[i];
        }
        return wide;
    }

    static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    /**
     * The gradient of the scalar {@code f} at {@code x} by central differences in float64 with
     * step 1e-6 * (1 + |x_i|): truncation and rounding errors are near 1e-9, far below float32's.
     * {@code x} is restored.
     */
    static double[] gradient(ToDoubleFunction<double[]> f, double[] x) {
        double[] grad = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double saved = x[i];
            double h = 1e-6 * (1 + Math.abs(saved));
            x[i] = saved + h;
            double plus = f.applyAsDouble(x);
            x[i] = saved - h;
            double minus = f.applyAsDouble(x);
            x[i] = saved;
            grad[i] = (plus - minus) / (2 * h);
        }
        return grad;
    }

    /** |actual - expected| <= atol + rtol * |expected| elementwise, naming the first failing index. */
    static void assertClose(String what, double[] expected, float[] actual, double atol, double rtol) {
        if (actual == null) {
            fail(what + ": no gradient was computed");
        }
        if (expected.length != actual.length) {
            fail(what + ": expected " + expected.length + " values, got " + actual.length);
        }
        for (int i = 0; i < expected.length; i++) {
            double diff = Math.abs(actual[i] - expected[i]);
            if (!(diff <= atol + rtol * Math.abs(expected[i]))) {
                fail(what + ": element " + i + " of " + expected.length + " is " + actual[i] + ", the float64 reference gives "
                        + expected[i] + " (|diff| " + diff + ", tolerance " + atol + " + " + rtol + " * |expected|)");
            }
        }
    }

    /**
     * An affine normalization f(x, weight, bias) checked in float64: its output against out, and
     * the central-difference gradients of sum(f * gradOut) against the gradients backward left in
     * input, weight and bias.
     */
    static void assertAffine(String what, Function<double[][], double[]> f, float[] x, float[] w,
                             float[] b, float[] gradOut, Tensor out, Tensor input, Tensor weight, Tensor bias,
                             double atol, double rtol) {
        double[] xd = widen(x);
        double[] wd = widen(w);
        double[] bd = widen(b);
        double[] g = widen(gradOut);
        assertClose(what + " out", f.apply(new double[][]{xd, wd, bd}), out.data(), atol, rtol);
        assertClose(what + " grad.x", gradient(v -> dot(f.apply(new double[][]{v, wd, bd}), g), xd), input.grad(), atol, rtol);
        assertClose(what + " grad.weight", gradient(v -> dot(f.apply(new double[][]{xd, v, bd}), g), wd), weight.grad(),
                atol, rtol);
        assertClose(what + " grad.bias", gradient(v -> dot(f.apply(new double[][]{xd, wd, v}), g), bd), bias.grad(),
                atol, rtol);
    }
}
