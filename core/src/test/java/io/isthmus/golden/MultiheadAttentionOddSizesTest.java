package io.isthmus.golden;

import io.isthmus.nn.MhaOptions;
import io.isthmus.nn.MultiheadAttention;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The MultiheadAttention cases with their causal setting on odd sizes (E = h * d with h 1..3,
 * d 1..7; Tq, Tk 1..17): output against a float64 reference written here (projections, softmax
 * attention per head, output projection), and the gradient of the query input of
 * sum(out * grad_out) against float64 central differences of that reference, within 1e-5
 * absolute + 1e-4 relative.
 */
class MultiheadAttentionOddSizesTest {

    static final GoldenSuite SUITE = GoldenSuite.oddSizes("mha_self_causal", "mha_cross");
    private static final double ATOL = 1e-5;
    private static final double RTOL = 1e-4;
    /** {B, Tq, Tk, heads, headDim}; self-attention uses Tk = Tq. */
    private static final int[][] SIZES = {{1, 1, 1, 1, 1}, {2, 7, 3, 3, 1}, {1, 5, 17, 1, 7}, {3, 3, 7, 2, 3}};

    @TestFactory
    Stream<DynamicTest> matchesTheFloat64ReferenceOnOddSizes() {
        return SUITE.cases().stream().flatMap(c -> Arrays.stream(SIZES)
                .map(s -> DynamicTest.dynamicTest(c.name() + " " + Arrays.toString(s), () -> check(c, s))));
    }

    private static void check(GoldenCase c, int[] s) {
        boolean cross = c.name().equals("mha_cross");
        boolean causal = c.flag("causal", false);
        int b = s[0];
        int tq = s[1];
        int tk = cross ? s[2] : s[1];
        int h = s[3];
        int e = h * s[4];
        SplittableRandom random = new SplittableRandom(Arrays.hashCode(s));
        MultiheadAttention mha = new MultiheadAttention(e, h, 0f, true, random);
        System.arraycopy(DoubleReference.uniform(random, 3 * e, -0.5, 0.5, 0), 0, mha.inProjBias().data(), 0, 3 * e);
        System.arraycopy(DoubleReference.uniform(random, e, -0.5, 0.5, 0), 0, mha.outProj().bias().data(), 0, e);
        float[] x = DoubleReference.uniform(random, b * tq * e, -1, 1, 0);
        float[] m = cross ? DoubleReference.uniform(random, b * tk * e, -1, 1, 0) : x;
        float[] g = DoubleReference.uniform(random, b * tq * e, -1, 1, 0);
        Tensor xt = Tensor.of(x.clone(), b, tq, e).requiresGrad(true);
        Tensor mt = cross ? Tensor.of(m.clone(), b, tk, e) : xt;
        Tensor out = mha.forward(xt, mt, mt, MhaOptions.NONE.withCausal(causal)).output();
        out.backward(g);
        double[] wIn = DoubleReference.widen(mha.inProjWeight().data());
        double[] bIn = DoubleReference.widen(mha.inProjBias().data());
        double[] wOut = DoubleReference.widen(mha.outProj().weight().data());
        double[] bOut = DoubleReference.widen(mha.outProj().bias().data());
        double[] md = DoubleReference.widen(m);
        String what = c.name() + " " + Arrays.toString(s);
        java.util.function.Function<double[], double[]> f = xv -> reference(xv, cross ? md : xv, b, tq, tk, e, h, causal,
                wIn, bIn, wOut, bOut);
        DoubleReference.assertClose(what + " out", f.apply(DoubleReference.widen(x)), out.data(), ATOL, RTOL);
        double[] gd = DoubleReference.widen(g);
        DoubleReference.assertClose(what + " grad.x", DoubleReference.gradient(
                v -> DoubleReference.dot(f.apply(v), gd), DoubleReference.widen(x)), xt.grad(), ATOL, RTOL);
    }

    private static double[] linear(double[] x, int rows, int in, double[] w, int wRow0, double[] bias, int out) {
        double[] y = new double[rows * out];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                double acc = bias[wRow0 + o];
                for (int i = 0; i < in; i++) {
                    acc += x[r * in + i] * w[(wRow0 + o) * in + i];
                }
                y[r * out + o] = acc;
            }
        }
        return y;
    }

    static double[] reference(double[] x, double[] mem, int b, int tq, int tk, int e, int h, boolean causal,
                              double[] wIn, double[] bIn, double[] wOut, double[] bOut) {
        double[] q = linear(x, b * tq, e, wIn, 0, bIn, e);
        double[] k = linear(mem, b * tk, e, wIn, e, bIn, e);
        double[] v = linear(mem, b * tk, e, wIn, 2 * e, bIn, e);
        int d = e / h;
        double[] att = new double[b * tq * e];
        for (int bi = 0; bi < b; bi++) {
            for (int hi = 0; hi < h; hi++) {
                for (int i = 0; i < tq; i++) {
                    double[] p = new double[tk];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < tk; j++) {
                        if (causal && j > i) {
                            p[j] = Double.NEGATIVE_INFINITY;
                            continue;
                        }
                        double sdot = 0;
                        for (int c = 0; c < d; c++) {
                            sdot += q[(bi * tq + i) * e + hi * d + c] * k[(bi * tk + j) * e + hi * d + c];
                        }
                        p[j] = sdot / Math.sqrt(d);
                        max = Math.max(max, p[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < tk; j++) {
                        p[j] = Math.exp(p[j] - max);
                        sum += p[j];
                    }
                    for (int j = 0; j < tk; j++) {
                        for (int c = 0; c < d; c++) {
                            att[(bi * tq + i) * e + hi * d + c] += p[j] / sum * v[(bi * tk + j) * e + hi * d + c];
                        }
                    }
                }
            }
        }
        return linear(att, b * tq, e, wOut, 0, bOut, e);
    }
}
