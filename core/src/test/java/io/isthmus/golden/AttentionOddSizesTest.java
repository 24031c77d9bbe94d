package io.isthmus.golden;

import io.isthmus.ops.Attention;
import io.isthmus.ops.AttentionMask;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The attention of {@link AttentionGoldenTest}'s cases (causal or not, cross when the case's
 * Tk differs) on odd sizes: forward against a float64 reference and the gradients of q, k, v of
 * sum(out * grad_out) against float64 central differences of that reference.
 */
class AttentionOddSizesTest {

    static final GoldenSuite SUITE = GoldenSuite.oddSizes("sdpa", "sdpa_causal", "sdpa_cross");

    private static final double ATOL = 1e-5;
    private static final double RTOL = 1e-4;
    /** [B, h, Tq, d, dv]; Tk = Tq, or Tq + 5 for the cross case. */
    private static final int[][] SHAPES = {{1, 1, 1, 1, 1}, {1, 2, 7, 3, 5}, {2, 1, 17, 4, 2}, {1, 1, 33, 2, 3}};

    @TestFactory
    Stream<DynamicTest> matchesTheFloat64ReferenceOnOddSizes() {
        return SUITE.cases().stream().flatMap(c -> Arrays.stream(SHAPES)
                .map(s -> DynamicTest.dynamicTest(c.name() + " " + Arrays.toString(s), () -> check(c, s))));
    }

    private static void check(GoldenCase c, int[] s) {
        int b = s[0], h = s[1], tq = s[2], d = s[3], dv = s[4];
        int tk = c.name().equals("sdpa_cross") ? tq + 5 : tq;
        boolean causal = c.flag("causal", false);
        SplittableRandom random = new SplittableRandom(Arrays.hashCode(s));
        int nq = b * h * tq * d, nk = b * h * tk * d, nv = b * h * tk * dv;
        float[] all = DoubleReference.uniform(random, nq + nk + nv, -2, 2, 0);
        Tensor q = Tensor.of(Arrays.copyOfRange(all, 0, nq), b, h, tq, d).requiresGrad(true);
        Tensor k = Tensor.of(Arrays.copyOfRange(all, nq, nq + nk), b, h, tk, d).requiresGrad(true);
        Tensor v = Tensor.of(Arrays.copyOfRange(all, nq + nk, nq + nk + nv), b, h, tk, dv).requiresGrad(true);
        Tensor out = Attention.scaledDotProduct(q, k, v, causal ? AttentionMask.CAUSAL : AttentionMask.NONE);
        float[] gradOut = DoubleReference.uniform(random, out.numel(), -1, 1, 0);
        out.backward(gradOut);

        double[] g = DoubleReference.widen(gradOut);
        java.util.function.Function<double[], double[]> reference = x -> attention(x, b, h, tq, tk, d, dv, causal);
        String what = c.name() + " " + Arrays.toString(s);
        double[] x = DoubleReference.widen(all);
        DoubleReference.assertClose(what + " out", reference.apply(x), out.data(), ATOL, RTOL);
        double[] grad = DoubleReference.gradient(y -> DoubleReference.dot(reference.apply(y), g), x);
        DoubleReference.assertClose(what + " grad.q", Arrays.copyOfRange(grad, 0, nq), q.grad(), ATOL, RTOL);
        DoubleReference.assertClose(what + " grad.k", Arrays.copyOfRange(grad, nq, nq + nk), k.grad(), ATOL, RTOL);
        DoubleReference.assertClose(what + " grad.v", Arrays.copyOfRange(grad, nq + nk, nq + nk + nv), v.grad(),
                ATOL, RTOL);
    }

    /** softmax(q k^T / sqrt(d)) v in float64; x holds q, k, v flat one after the other. */
    static double[] attention(double[] x, int b, int h, int tq, int tk, int d, int dv, boolean causal) {
        int kOff = b * h * tq * d;
        int vOff = kOff + b * h * tk * d;
        double[] out = new double[b * h * tq * dv];
        for (int bh = 0; bh < b * h; bh++) {
            for (int i = 0; i < tq; i++) {
                double[] s = new double[tk];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < tk; j++) {
                    if (causal && j > i + (tk - tq)) {
                        s[j] = Double.NEGATIVE_INFINITY;
                        continue;
                    }
                    double dot = 0;
                    for (int c = 0; c < d; c++) {
                        dot += x[(bh * tq + i) * d + c] * x[kOff + (bh * tk + j) * d + c];
                    }
                    s[j] = dot / Math.sqrt(d);
                    max = Math.max(max, s[j]);
                }
                if (max == Double.NEGATIVE_INFINITY) {
                    continue;
                }
                double sum = 0;
                for (int j = 0; j < tk; j++) {
                    sum += Math.exp(s[j] - max);
                }
                for (int j = 0; j < tk; j++) {
                    double p = Math.exp(s[j] - max) / sum;
                    for (int c = 0; c < dv; c++) {
                        out[(bh * tq + i) * dv + c] += p * x[vOff + (bh * tk + j) * dv + c];
                    }
                }
            }
        }
        return out;
    }
}
