package io.isthmus.golden;

import io.isthmus.ops.Conv;
import io.isthmus.ops.Conv2dOptions;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The conv2d golden cases' settings (kernel, stride, padding, and dilation and groups when a
 * case has them) on odd batch sizes, channel counts and images: forward against a float64
 * reference and the gradients of sum(out * grad_out) for x, weight and bias against float64
 * central differences of that reference, within 1e-5 absolute + 1e-4 relative.
 */
class ConvOddSizesTest {

    static final GoldenSuite SUITE = GoldenSuite.oddSizes("conv2d_1x1", "conv2d_3x3_s1_p1", "conv2d_3x3_s2_p1",
            "conv2d_5x5_s1_p0");

    private static final double ATOL = 1e-5;
    private static final double RTOL = 1e-4;

    /** {N, C, O, H, W}: C and O per group; H and W at least the kernel's span. */
    private static final int[][] SIZES = {{1, 1, 1, 7, 7}, {2, 3, 5, 9, 7}, {1, 7, 3, 17, 5}, {3, 2, 7, 5, 13},
            {1, 1, 17, 33, 9}, {2, 17, 1, 7, 9}};

    @TestFactory
    Stream<DynamicTest> matchesTheFloat64ReferenceOnOddSizes() {
        return SUITE.cases().stream().flatMap(c -> Arrays.stream(SIZES).map(s ->
                DynamicTest.dynamicTest(c.name() + " " + Arrays.toString(s), () -> check(c, s))));
    }

    /** The case's settings as the op takes them. */
    static Conv2dOptions options(GoldenCase c) {
        return Conv2dOptions.DEFAULT.stride((int) c.number("stride", 1)).padding((int) c.number("padding", 0))
                .dilation((int) c.number("dilation", 1)).groups((int) c.number("groups", 1));
    }

    private static void check(GoldenCase c, int[] sizes) {
        if (!c.op().equals("conv2d")) {
            throw new AssertionError("unexpected op " + c.op());
        }
        Conv2dOptions o = options(c);
        int kernel = (int) c.number("kernel", 1);
        int n = sizes[0];
        int channels = sizes[1] * o.groups();
        int outChannels = sizes[2] * o.groups();
        int span = o.dilationH() * (kernel - 1) + 1;
        int h = Math.max(sizes[3], span - 2 * o.padH());
        int w = Math.max(sizes[4], span - 2 * o.padW());
        Geometry g = new Geometry(n, channels, h, w, outChannels, kernel, o);

        SplittableRandom random = new SplittableRandom(Arrays.hashCode(sizes) + 31L * c.name().hashCode());
        float[] x = DoubleReference.uniform(random, n * channels * h * w, -1, 1, 0);
        float[] wt = DoubleReference.uniform(random, outChannels * sizes[1] * kernel * kernel, -1, 1, 0);
        float[] b = DoubleReference.uniform(random, outChannels, -1, 1, 0);
        float[] gradOut = DoubleReference.uniform(random, n * outChannels * g.oh * g.ow, -1, 1, 0);
        Tensor input = Tensor.of(x.clone(), n, channels, h, w).requiresGrad(true);
        Tensor weight = Tensor.of(wt.clone(), outChannels, sizes[1], kernel, kernel).requiresGrad(true);
        Tensor bias = Tensor.of(b.clone(), outChannels).requiresGrad(true);
        Tensor out = Conv.conv2d(input, weight, bias, o);
        out.backward(gradOut);

        double[] xd = DoubleReference.widen(x);
        double[] wd = DoubleReference.widen(wt);
        double[] bd = DoubleReference.widen(b);
        double[] gd = DoubleReference.widen(gradOut);
        String what = c.name() + " x [" + n + ", " + channels + ", " + h + ", " + w + "], out channels " + outChannels;
        DoubleReference.assertClose(what + " out", g.conv(xd, wd, bd), out.data(), ATOL, RTOL);
        DoubleReference.assertClose(what + " grad.x",
                DoubleReference.gradient(v -> DoubleReference.dot(g.conv(v, wd, bd), gd), xd), input.grad(), ATOL, RTOL);
        DoubleReference.assertClose(what + " grad.weight",
                DoubleReference.gradient(v -> DoubleReference.dot(g.conv(xd, v, bd), gd), wd), weight.grad(), ATOL, RTOL);
        DoubleReference.assertClose(what + " grad.bias",
                DoubleReference.gradient(v -> DoubleReference.dot(g.conv(xd, wd, v), gd), bd), bias.grad(), ATOL, RTOL);
    }

    /** A square-kernel convolution's sizes, and the convolution itself in float64. */
    private record Geometry(int n, int c, int h, int w, int o, int k, Conv2dOptions opt, int oh, int ow) {

        Geometry(int n, int c, int h, int w, int o, int k, Conv2dOptions opt) {
            this(n, c, h, w, o, k, opt,
                    (h + 2 * opt.padH() - opt.dilationH() * (k - 1) - 1) / opt.strideH() + 1,
                    (w + 2 * opt.padW() - opt.dilationW() * (k - 1) - 1) / opt.strideW() + 1);
        }

        /** y[b, co, i, j] = bias[co] + sum over the group's ci and kh, kw inside the image of w * x. */
        double[] conv(double[] x, double[] weight, double[] bias) {
            int cg = c / opt.groups();
            int og = o / opt.groups();
            double[] y = new double[n * o * oh * ow];
            for (int b = 0; b < n; b++) {
                for (int co = 0; co < o; co++) {
                    for (int i = 0; i < oh; i++) {
                        for (int j = 0; j < ow; j++) {
                            double sum = bias[co];
                            for (int ci = 0; ci < cg; ci++) {
                                int channel = (co / og) * cg + ci;
                                for (int kh = 0; kh < k; kh++) {
                                    for (int kw = 0; kw < k; kw++) {
                                        int ih = i * opt.strideH() - opt.padH() + kh * opt.dilationH();
                                        int iw = j * opt.strideW() - opt.padW() + kw * opt.dilationW();
                                        if (ih >= 0 && ih < h && iw >= 0 && iw < w) {
                                            sum += weight[((co * cg + ci) * k + kh) * k + kw]
                                                    * x[((b * c + channel) * h + ih) * w + iw];
                                        }
                                    }
                                }
                            }
                            y[((b * o + co) * oh + i) * ow + j] = sum;
                        }
                    }
                }
            }
            return y;
        }
    }
}
