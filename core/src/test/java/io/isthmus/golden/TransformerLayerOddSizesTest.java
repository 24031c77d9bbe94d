package io.isthmus.golden;

import io.isthmus.nn.MhaOptions;
import io.isthmus.nn.Module;
import io.isthmus.nn.TransformerDecoderLayer;
import io.isthmus.nn.TransformerEncoderLayer;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The transformer layers of {@link TransformerLayerGoldenTest}'s cases, with each case's
 * activation, norm_first, eps and causal setting, on odd sizes (E = h * d with h 1..3, T 1..7,
 * feed-forward 1..17): output against a float64 reference composed here from the float64
 * references of MultiheadAttention and layer norm, and the gradient of x of sum(out * grad_out)
 * against float64 central differences of it, within 1e-5 absolute + 1e-4 relative.
 */
class TransformerLayerOddSizesTest {

    static final GoldenSuite SUITE = GoldenSuite.oddSizes("transformer_encoder_layer",
            "transformer_encoder_layer_prenorm", "transformer_decoder_layer");
    private static final double ATOL = 1e-5;
    private static final double RTOL = 1e-4;
    /** {B, T, Tmemory, heads, headDim, feedforward}. */
    private static final int[][] SIZES = {{1, 1, 1, 1, 1, 1}, {2, 5, 3, 3, 1, 7}, {1, 7, 2, 1, 3, 17}};

    @TestFactory
    Stream<DynamicTest> matchesTheFloat64ReferenceOnOddSizes() {
        return SUITE.cases().stream().flatMap(c -> Arrays.stream(SIZES)
                .map(s -> DynamicTest.dynamicTest(c.name() + " " + Arrays.toString(s), () -> check(c, s))));
    }

    private static void check(GoldenCase c, int[] s) {
        int b = s[0];
        int t = s[1];
        int tm = s[2];
        int h = s[3];
        int e = h * s[4];
        int ff = s[5];
        String act = c.string("activation");
        double eps = c.number("eps", 1e-5);
        boolean normFirst = c.flag("norm_first", false);
        boolean decoder = c.op().equals("transformer_decoder_layer");
        boolean causal = c.flag(decoder ? "causal_self_attention" : "causal", false);
        SplittableRandom random = new SplittableRandom(Arrays.hashCode(s));
        Module layer = decoder
                ? new TransformerDecoderLayer(e, h, ff, 0f, act, eps, true, normFirst, random)
                : new TransformerEncoderLayer(e, h, ff, 0f, act, eps, true, normFirst, random);
        // non-trivial biases and norms, so that every parameter shapes the output
        layer.namedParameters().forEach((name, p) -> {
            if (name.endsWith("bias") || name.startsWith("norm")) {
                float[] v = DoubleReference.uniform(random, p.numel(), name.startsWith("norm") && name.endsWith("weight") ? 0.5 : -0.5,
                        name.startsWith("norm") && name.endsWith("weight") ? 1.5 : 0.5, 0);
                System.arraycopy(v, 0, p.data(), 0, v.length);
            }
        });
        float[] x = DoubleReference.uniform(random, b * t * e, -1, 1, 0);
        float[] m = DoubleReference.uniform(random, b * tm * e, -1, 1, 0);
        float[] g = DoubleReference.uniform(random, b * t * e, -1, 1, 0);
        Tensor xt = Tensor.of(x.clone(), b, t, e).requiresGrad(true);
        Tensor out = decoder
                ? ((TransformerDecoderLayer) layer).forward(xt, Tensor.of(m.clone(), b, tm, e), MhaOptions.NONE.withCausal(causal), MhaOptions.NONE)
                : ((TransformerEncoderLayer) layer).forward(xt, MhaOptions.NONE.withCausal(causal));
        out.backward(g);
        java.util.Map<String, Tensor> p = layer.namedParameters();
        double[] md = DoubleReference.widen(m);
        Function<double[], double[]> f = xv -> {
            Function<double[], double[]> sa = in -> mha(p, "self_attn", in, in, b, t, t, e, h, causal);
            Function<double[], double[]> ca = in -> mha(p, "multihead_attn", in, md, b, t, tm, e, h, false);
            Function<double[], double[]> ffn = in -> feedForward(p, in, b * t, e, ff, act);
            Function<double[], double[]>[] blocks = decoder ? new Function[]{sa, ca, ffn} : new Function[]{sa, ffn};
            double[] y = xv;
            for (int i = 0; i < blocks.length; i++) {
                String norm = "norm" + (i + 1);
                if (normFirst) {
                    y = add(y, blocks[i].apply(norm(p, norm, y, e, eps)));
                } else {
                    y = norm(p, norm, add(y, blocks[i].apply(y)), e, eps);
                }
            }
            return y;
        };
        String what = c.name() + " " + Arrays.toString(s);
        DoubleReference.assertClose(what + " out", f.apply(DoubleReference.widen(x)), out.data(), ATOL, RTOL);
        double[] gd = DoubleReference.widen(g);
        DoubleReference.assertClose(what + " grad.x", DoubleReference.gradient(
                v -> DoubleReference.dot(f.apply(v), gd), DoubleReference.widen(x)), xt.grad(), ATOL, RTOL);
    }

    private static double[] w(java.util.Map<String, Tensor> p, String name) {
        return DoubleReference.widen(p.get(name).data());
    }

    private static double[] mha(java.util.Map<String, Tensor> p, String prefix, double[] x, double[] mem, int b, int tq, int tk,
                                int e, int h, boolean causal) {
        return MultiheadAttentionOddSizesTest.reference(x, mem, b, tq, tk, e, h, causal, w(p, prefix + ".in_proj_weight"),
                w(p, prefix + ".in_proj_bias"), w(p, prefix + ".out_proj.weight"), w(p, prefix + ".out_proj.bias"));
    }

    private static double[] norm(java.util.Map<String, Tensor> p, String name, double[] x, int e, double eps) {
        return LayerNormOddSizesTest.normalize(x, w(p, name + ".weight"), w(p, name + ".bias"), e, eps);
    }

    private static double[] add(double[] a, double[] b) {
        double[] y = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            y[i] = a[i] + b[i];
        }
        return y;
    }

    private static double[] feedForward(java.util.Map<String, Tensor> p, double[] x, int rows, int e, int ff, String act) {
        double[] w1 = w(p, "linear1.weight");
        double[] b1 = w(p, "linear1.bias");
        double[] w2 = w(p, "linear2.weight");
        double[] b2 = w(p, "linear2.bias");
        double[] y = new double[rows * e];
        double[] hidden = new double[ff];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < ff; j++) {
                double a = b1[j];
                for (int i = 0; i < e; i++) {
                    a += x[r * e + i] * w1[j * e + i];
                }
                hidden[j] = act.equals("gelu") ? 0.5 * a * (1 + OpsOddSizesTest.erf(a / Math.sqrt(2))) : Math.max(0, a);
            }
            for (int o = 0; o < e; o++) {
                double a = b2[o];
                for (int j = 0; j < ff; j++) {
                    a += hidden[j] * w2[o * ff + j];
                }
                y[r * e + o] = a;
            }
        }
        return y;
    }
}
