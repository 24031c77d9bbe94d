package io.isthmus.golden;

import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The pooling layers of {@link PoolingGoldenTest}'s cases, with each case's settings, on odd
 * sizes (N and C of 1 and 3, H and W of 1 to 33 where the window fits): forward against a float64
 * reference and the input gradient of sum(out * grad_out) against float64 central differences
 * of that reference, within 1e-5 absolute + 1e-4 relative.
 */
class PoolingOddSizesTest {

    static final GoldenSuite SUITE = GoldenSuite.oddSizes("maxpool2d_2x2", "maxpool2d_3x3_s2_p1", "avgpool2d_2x2",
            "global_avgpool");

    private static final double ATOL = 1e-5;
    private static final double RTOL = 1e-4;
    /** [N, C, H, W]; shapes too small for a case's window are skipped for it (the layer test checks the error). */
    private static final int[][] SHAPES = {{1, 1, 1, 1}, {1, 1, 2, 3}, {1, 3, 7, 7}, {2, 3, 9, 17}, {3, 1, 17, 5},
            {1, 7, 33, 3}, {2, 1, 4, 33}};

    @TestFactory
    Stream<DynamicTest> matchesTheFloat64ReferenceOnOddSizes() {
        return SUITE.cases().stream().flatMap(c -> Arrays.stream(SHAPES)
                .filter(s -> fits(c, s))
                .map(s -> DynamicTest.dynamicTest(c.name() + " " + Arrays.toString(s), () -> check(c, s))));
    }

    private static boolean fits(GoldenCase c, int[] s) {
        if (c.op().equals("global_avgpool")) {
            return true;
        }
        int k = (int) c.number("kernel", -1);
        int p = (int) c.number("padding", 0);
        return s[2] + 2 * p >= k && s[3] + 2 * p >= k;
    }

    private static void check(GoldenCase c, int[] s) {
        boolean global = c.op().equals("global_avgpool");
        int k = global ? 0 : (int) c.number("kernel", -1);
        int stride = global ? 0 : (int) c.number("stride", k);
        int pad = global ? 0 : (int) c.number("padding", 0);
        boolean max = c.op().equals("maxpool2d");
        SplittableRandom random = new SplittableRandom(Arrays.hashCode(s));
        int size = s[0] * s[1] * s[2] * s[3];
        float[] x = DoubleReference.uniform(random, size, -3, 3, 0);
        Tensor input = Tensor.of(x.clone(), s).requiresGrad(true);
        Tensor out = PoolingGoldenTest.layer(c).forward(input);
        float[] gradOut = DoubleReference.uniform(random, out.numel(), -1, 1, 0);
        out.backward(gradOut);

        double[] xd = DoubleReference.widen(x);
        double[] g = DoubleReference.widen(gradOut);
        java.util.function.Function<double[], double[]> reference = global
                ? v -> pool(v, s, s[2], s[3], s[2], s[3], 0, false)
                : v -> pool(v, s, k, k, stride, stride, pad, max);
        String what = c.name() + " x " + Arrays.toString(s);
        DoubleReference.assertClose(what + " out", reference.apply(xd), out.data(), ATOL, RTOL);
        DoubleReference.assertClose(what + " grad.x",
                DoubleReference.gradient(v -> DoubleReference.dot(reference.apply(v), g), xd), input.grad(), ATOL, RTOL);
    }

    /**
     * Max or average (zero padding counted in the divisor) pooling of x: [N, C, H, W] in float64,
     * floor mode: out = (in + 2 pad - kernel) / stride + 1.
     */
    static double[] pool(double[] x, int[] s, int kh, int kw, int sh, int sw, int pad, boolean max) {
        int planes = s[0] * s[1];
        int h = s[2];
        int w = s[3];
        int outH = (h + 2 * pad - kh) / sh + 1;
        int outW = (w + 2 * pad - kw) / sw + 1;
        double[] y = new double[planes * outH * outW];
        for (int p = 0; p < planes; p++) {
            for (int oh = 0; oh < outH; oh++) {
                for (int ow = 0; ow < outW; ow++) {
                    double acc = max ? Double.NEGATIVE_INFINITY : 0;
                    for (int i = 0; i < kh; i++) {
                        for (int j = 0; j < kw; j++) {
                            int ih = oh * sh - pad + i;
                            int iw = ow * sw - pad + j;
                            if (ih < 0 || ih >= h || iw < 0 || iw >= w) {
                                continue;
                            }
                            double v = x[(p * h + ih) * w + iw];
                            acc = max ? Math.max(acc, v) : acc + v;
                        }
                    }
                    y[(p * outH + oh) * outW + ow] = max ? acc : acc / (kh * kw);
                }
            }
        }
        return y;
    }
}
