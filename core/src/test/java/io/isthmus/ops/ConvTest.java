package io.isthmus.ops;

import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** conv2d: forward against a float64 reference, finite-difference gradients, and the argument checks. */
class ConvTest {

    private static Tensor rand(long seed, int... shape) {
        return Tensor.uniform(new SplittableRandom(seed), -1f, 1f, shape);
    }

    /** y[n, o, i, j] = b[o] + sum over c of the group, kh, kw (taps inside the image) of w[o, c, kh, kw] x[n, gc, ih, iw]. */
    private static double[] reference(Tensor x, Tensor w, Tensor b, Conv2dOptions opt) {
        int[] xs = x.shape();
        int[] ws = w.shape();
        int n = xs[0], c = xs[1], h = xs[2], wd = xs[3];
        int o = ws[0], cg = ws[1], kh = ws[2], kw = ws[3];
        int og = o / opt.groups();
        int oh = (h + 2 * opt.padH() - opt.dilationH() * (kh - 1) - 1) / opt.strideH() + 1;
        int ow = (wd + 2 * opt.padW() - opt.dilationW() * (kw - 1) - 1) / opt.strideW() + 1;
        double[] y = new double[n * o * oh * ow];
        for (int s = 0; s < n; s++) {
            for (int co = 0; co < o; co++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double sum = b == null ? 0 : b.data()[co];
                        for (int ci = 0; ci < cg; ci++) {
                            int channel = co / og * cg + ci;
                            for (int p = 0; p < kh; p++) {
                                for (int q = 0; q < kw; q++) {
                                    int ih = i * opt.strideH() - opt.padH() + p * opt.dilationH();
                                    int iw = j * opt.strideW() - opt.padW() + q * opt.dilationW();
                                    if (ih >= 0 && ih < h && iw >= 0 && iw < wd) {
                                        sum += (double) w.data()[((co * cg + ci) * kh + p) * kw + q]
                                                * x.data()[((s * c + channel) * h + ih) * wd + iw];
                                    }
                                }
                            }
                        }
                        y[((s * o + co) * oh + i) * ow + j] = sum;
                    }
                }
            }
        }
        return y;
    }

    private static void assertForward(String what, Tensor x, Tensor w, Tensor b, Conv2dOptions opt, int... outShape) {
        Tensor y = Conv.conv2d(x, w, b, opt);
        assertArrayEquals(outShape, y.shape(), what + " shape");
        double[] expected = reference(x, w, b, opt);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], y.data()[i], 1e-5 + 1e-5 * Math.abs(expected[i]), what + " element " + i);
        }
    }

    @Test
    void forwardMatchesTheFloat64Reference() {
        Conv2dOptions d = Conv2dOptions.DEFAULT;
        assertForward("3x3 valid", rand(1, 2, 3, 7, 9), rand(2, 5, 3, 3, 3), rand(3, 5), d, 2, 5, 5, 7);
        assertForward("3x3 same", rand(4, 1, 3, 7, 9), rand(5, 4, 3, 3, 3), rand(6, 4), d.padding(1), 1, 4, 7, 9);
        assertForward("stride 2 padding 2", rand(7, 3, 1, 17, 7), rand(8, 2, 1, 3, 3), rand(9, 2), d.stride(2).padding(2),
                3, 2, 10, 5);
        assertForward("dilation 2", rand(10, 1, 3, 9, 11), rand(11, 3, 3, 3, 3), null, d.dilation(2).padding(1),
                1, 3, 7, 9);
        assertForward("rectangular kernel, stride and padding per axis", rand(12, 2, 3, 8, 9), rand(13, 4, 3, 2, 5),
                rand(14, 4), d.stride(2, 1).padding(0, 2), 2, 4, 4, 9);
        assertForward("1x1", rand(15, 2, 7, 5, 3), rand(16, 3, 7, 1, 1), rand(17, 3), d, 2, 3, 5, 3);
        assertForward("depthwise", rand(18, 2, 4, 7, 5), rand(19, 8, 1, 3, 3), rand(20, 8), d.padding(1).groups(4),
                2, 8, 7, 5);
        assertForward("groups 2", rand(21, 1, 6, 5, 7), rand(22, 4, 3, 3, 3), rand(23, 4), d.groups(2).stride(2),
                1, 4, 2, 3);
    }

    @Test
    void unbatchedInputGivesAnUnbatchedOutput() {
        Tensor x = rand(1, 3, 6, 5);
        Tensor w = rand(2, 4, 3, 3, 3);
        Tensor b = rand(3, 4);
        Tensor y = Conv.conv2d(x, w, b, 1, 1);
        assertArrayEquals(new int[]{4, 6, 5}, y.shape());
        Tensor batched = Conv.conv2d(x.reshape(1, 3, 6, 5), w, b, 1, 1);
        assertArrayEquals(batched.data(), y.data());
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        GradCheck.check("conv2d 3x3 same", in -> Conv.conv2d(in.get(0), in.get(1), in.get(2), 1, 1),
                List.of(rand(1, 2, 3, 5, 7), rand(2, 4, 3, 3, 3), rand(3, 4)));
        GradCheck.check("conv2d stride 2 padding 2", in -> Conv.conv2d(in.get(0), in.get(1), in.get(2), 2, 2),
                List.of(rand(4, 1, 2, 7, 5), rand(5, 3, 2, 3, 3), rand(6, 3)));
        GradCheck.check("conv2d dilation 2 no bias",
                in -> Conv.conv2d(in.get(0), in.get(1), null, Conv2dOptions.DEFAULT.dilation(2).padding(1)),
                List.of(rand(7, 2, 2, 7, 6), rand(8, 2, 2, 3, 3)));
        GradCheck.check("conv2d 1x1", in -> Conv.conv2d(in.get(0), in.get(1), in.get(2)),
                List.of(rand(9, 2, 5, 3, 3), rand(10, 3, 5, 1, 1), rand(11, 3)));
        GradCheck.check("conv2d depthwise", in -> Conv.conv2d(in.get(0), in.get(1), in.get(2),
                        Conv2dOptions.DEFAULT.groups(3).padding(1).stride(2)),
                List.of(rand(12, 2, 3, 7, 7), rand(13, 6, 1, 3, 3), rand(14, 6)));
        GradCheck.check("conv2d groups 2", in -> Conv.conv2d(in.get(0), in.get(1), in.get(2),
                        Conv2dOptions.DEFAULT.groups(2).padding(0, 1)),
                List.of(rand(15, 1, 4, 5, 5), rand(16, 4, 2, 2, 3), rand(17, 4)));
    }

    @Test
    void gradientsFlowOnlyWhereNeededAndSumOverUses() {
        Tensor x = rand(1, 2, 3, 5, 5);
        Tensor w = rand(2, 4, 3, 3, 3).requiresGrad(true);
        Tensor y = Conv.conv2d(x, w, null, 1, 1);
        // the same weight used twice: its gradients add
        Tensor twice = y.add(Conv.conv2d(x, w, null, 1, 1));
        twice.sum().backward();
        assertNull(x.grad());
        Tensor w2 = Tensor.of(w.data().clone(), 4, 3, 3, 3).requiresGrad(true);
        Conv.conv2d(x, w2, null, 1, 1).sum().backward();
        for (int i = 0; i < w.numel(); i++) {
            assertEquals(2 * w2.grad()[i], w.grad()[i], 1e-5, "element " + i);
        }
    }

    @Test
    void badArgumentsAreRejectedNamingTheShapes() {
        Tensor w = rand(1, 4, 3, 3, 3);
        assertEquals("conv2d: input must be [N, C, H, W] or [C, H, W], got [3, 5] (rank 2)",
                message(() -> Conv.conv2d(rand(2, 3, 5), w, null)));
        assertEquals("conv2d: weight must be [out, in / groups, kH, kW], got [4, 27] (rank 2)",
                message(() -> Conv.conv2d(rand(2, 1, 3, 5, 5), rand(3, 4, 27), null)));
        assertEquals("conv2d: input [1, 2, 5, 5] has 2 channels, but weight [4, 3, 3, 3] with groups 1 expects 3 "
                + "(weight [out, in / groups, kH, kW])", message(() -> Conv.conv2d(rand(2, 1, 2, 5, 5), w, null)));
        assertEquals("conv2d: weight [4, 3, 3, 3] has 4 output channels, not divisible by groups 3",
                message(() -> Conv.conv2d(rand(2, 1, 9, 5, 5), w, null, Conv2dOptions.DEFAULT.groups(3))));
        assertEquals("conv2d: bias [3] does not match weight [4, 3, 3, 3] (expected [4])",
                message(() -> Conv.conv2d(rand(2, 1, 3, 5, 5), w, rand(3, 3))));
        String tooLarge = message(() -> Conv.conv2d(rand(2, 1, 3, 2, 5), w, null));
        assertEquals("conv2d: kernel height 3 with dilation 1 spans 3 pixels, larger than the input height 2 with "
                + "padding 0 on each side (2) (input [1, 3, 2, 5], weight [4, 3, 3, 3])", tooLarge);
        assertTrue(message(() -> Conv2dOptions.DEFAULT.stride(0)).contains("stride must be at least 1, got (0, 0)"));
        assertTrue(message(() -> Conv2dOptions.DEFAULT.padding(-1, 0)).contains("padding must not be negative, got (-1, 0)"));
    }

    private static String message(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }
}
