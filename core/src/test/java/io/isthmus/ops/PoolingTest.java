package io.isthmus.ops;

import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pooling ops: float64 references for the settings the golden cases leave out, gradient checks, errors. */
class PoolingTest {

    /** Distinct values 0.05 apart in random order: a finite-difference step of 0.01 never reorders a window. */
    private static Tensor distinct(long seed, int... shape) {
        int n = Naive.numel(shape);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (i - n / 2) * 0.05f;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            float t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
        return Tensor.of(v, shape);
    }

    /**
     * Max or average pooling of one [h, w] plane in float64, any kernel, stride, padding, dilation;
     * average divides by kh * kw when includePad, else by the taps inside the input.
     */
    private static double[] reference(float[] x, int planes, int h, int w, int[] k, int[] s, int[] p, int[] d,
                                      boolean max, boolean includePad) {
        int outH = (h + 2 * p[0] - d[0] * (k[0] - 1) - 1) / s[0] + 1;
        int outW = (w + 2 * p[1] - d[1] * (k[1] - 1) - 1) / s[1] + 1;
        double[] y = new double[planes * outH * outW];
        int o = 0;
        for (int pl = 0; pl < planes; pl++) {
            for (int oh = 0; oh < outH; oh++) {
                for (int ow = 0; ow < outW; ow++) {
                    double acc = max ? Double.NEGATIVE_INFINITY : 0;
                    int inside = 0;
                    for (int i = 0; i < k[0]; i++) {
                        for (int j = 0; j < k[1]; j++) {
                            int ih = oh * s[0] - p[0] + i * d[0];
                            int iw = ow * s[1] - p[1] + j * d[1];
                            if (ih >= 0 && ih < h && iw >= 0 && iw < w) {
                                double v = x[(pl * h + ih) * w + iw];
                                acc = max ? Math.max(acc, v) : acc + v;
                                inside++;
                            }
                        }
                    }
                    y[o++] = max ? acc : acc / (includePad ? k[0] * k[1] : inside);
                }
            }
        }
        return y;
    }

    private static void assertClose(String what, double[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5 + 1e-5 * Math.abs(expected[i]), what + " element " + i);
        }
    }

    @Test
    void maxPoolWithRectangularKernelStrideAndDilationMatchesTheReference() {
        int[][][] settings = {
                {{3, 2}, {2, 1}, {1, 1}, {1, 1}},
                {{2, 3}, {1, 2}, {0, 1}, {2, 1}},
                {{3, 3}, {3, 3}, {1, 0}, {2, 2}},
                {{1, 1}, {2, 2}, {0, 0}, {1, 1}}};
        for (int[][] st : settings) {
            Tensor x = Naive.rand(7, 2, 3, 9, 8);
            Tensor y = Pooling.maxPool2d(x, st[0], st[1], st[2], st[3]);
            assertClose("max " + java.util.Arrays.deepToString(st),
                    reference(x.data(), 6, 9, 8, st[0], st[1], st[2], st[3], true, true), y.data());
        }
    }

    @Test
    void avgPoolWithAndWithoutCountingPaddingMatchesTheReference() {
        int[] k = {3, 2};
        int[] s = {2, 1};
        int[] p = {1, 1};
        Tensor x = Naive.rand(8, 1, 3, 7, 5);
        for (boolean includePad : new boolean[]{true, false}) {
            Tensor y = Pooling.avgPool2d(x, k, s, p, includePad);
            assertArrayEquals(new int[]{1, 3, 4, 6}, y.shape());
            assertClose("avg count_include_pad " + includePad,
                    reference(x.data(), 3, 7, 5, k, s, p, new int[]{1, 1}, false, includePad), y.data());
        }
    }

    @Test
    void adaptiveAveragePoolAveragesPyTorchsWindows() {
        Tensor x = Naive.rand(9, 2, 1, 5, 7);
        Tensor y = Pooling.adaptiveAvgPool2d(x, 3, 2);
        assertArrayEquals(new int[]{2, 1, 3, 2}, y.shape());
        // rows: [0, 2), [1, 4), [3, 5); columns: [0, 4), [3, 7)
        int[][] rows = {{0, 2}, {1, 4}, {3, 5}};
        int[][] cols = {{0, 4}, {3, 7}};
        for (int pl = 0; pl < 2; pl++) {
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 2; j++) {
                    double sum = 0;
                    for (int r = rows[i][0]; r < rows[i][1]; r++) {
                        for (int c = cols[j][0]; c < cols[j][1]; c++) {
                            sum += x.data()[(pl * 5 + r) * 7 + c];
                        }
                    }
                    double mean = sum / ((rows[i][1] - rows[i][0]) * (cols[j][1] - cols[j][0]));
                    assertEquals(mean, y.data()[(pl * 3 + i) * 2 + j], 1e-6, "plane " + pl + " (" + i + ", " + j + ")");
                }
            }
        }
        Tensor global = Pooling.adaptiveAvgPool2d(x, 1, 1);
        assertArrayEquals(Pooling.globalAvgPool2d(x).data(), global.data());
        assertArrayEquals(new int[]{2, 1, 1, 1}, global.shape());
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        GradCheck.check("max 3x3 s2 p1", in -> Pooling.maxPool2d(in.get(0), 3, 2, 1), List.of(distinct(1, 2, 3, 7, 5)));
        GradCheck.check("max 2x2", in -> Pooling.maxPool2d(in.get(0), 2), List.of(distinct(2, 1, 1, 5, 5)));
        GradCheck.check("max dilated", in -> Pooling.maxPool2d(in.get(0), new int[]{2, 2}, new int[]{1, 2},
                new int[]{1, 0}, new int[]{2, 2}), List.of(distinct(3, 1, 2, 7, 7)));
        GradCheck.check("max overlapping windows share a maximum", in -> Pooling.maxPool2d(in.get(0), 3, 1, 1),
                List.of(distinct(4, 1, 3, 6, 5)));
        GradCheck.check("max unbatched", in -> Pooling.maxPool2d(in.get(0), 2, 1, 0), List.of(distinct(5, 3, 4, 3)));
        GradCheck.check("avg 3x3 s2 p1", in -> Pooling.avgPool2d(in.get(0), 3, 2, 1), List.of(Naive.rand(6, 2, 3, 7, 5)));
        GradCheck.check("avg without padding in the divisor", in -> Pooling.avgPool2d(in.get(0), new int[]{3, 2},
                new int[]{1, 2}, new int[]{1, 1}, false), List.of(Naive.rand(7, 1, 2, 5, 6)));
        GradCheck.check("global avg", in -> Pooling.globalAvgPool2d(in.get(0)), List.of(Naive.rand(8, 2, 3, 5, 7)));
        GradCheck.check("adaptive avg 3x2", in -> Pooling.adaptiveAvgPool2d(in.get(0), 3, 2), List.of(Naive.rand(9, 2, 2, 5, 7)));
    }

    @Test
    void indicesArePositionsWithinThePlaneAsPyTorchReturnsThem() {
        Tensor x = Tensor.of(new float[]{
                1, 9, 2, 3,
                4, 5, 6, 7,
                0, 0, 8, 1,
                2, 2, 1, 0,
                // second plane
                -1, -2, -3, -4,
                -5, -6, -7, -8,
                -9, -9, -9, -9,
                -9, -9, -9, -9}, 1, 2, 4, 4);
        ValuesAndIndices r = Pooling.maxPool2dWithIndices(x, new int[]{2, 2}, new int[]{2, 2}, new int[]{0, 0}, new int[]{1, 1});
        assertArrayEquals(new float[]{9, 7, 2, 8, -1, -3, -9, -9}, r.values().data());
        IndexTensor at = r.indices();
        assertArrayEquals(new int[]{1, 2, 2, 2}, at.shape());
        assertArrayEquals(new int[]{1, 7, 12, 10, 0, 2, 8, 10}, at.data());
    }

    @Test
    void unbatchedInputKeepsItsRank() {
        assertArrayEquals(new int[]{3, 2, 2}, Pooling.maxPool2d(Naive.rand(1, 3, 5, 4), 2).shape());
        assertArrayEquals(new int[]{3, 1, 1}, Pooling.globalAvgPool2d(Naive.rand(1, 3, 5, 4)).shape());
        assertArrayEquals(new int[]{3, 3, 2}, Pooling.avgPool2d(Naive.rand(1, 3, 5, 4), 3, 2, 1).shape());
    }

    private static void assertMessage(Runnable call, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should mention '" + part + "'");
        }
    }

    @Test
    void badInputsAndSettingsAreNamed() {
        assertMessage(() -> Pooling.maxPool2d(Naive.rand(1, 4, 4), 2), "max_pool2d", "[N, C, H, W]", "[4, 4]", "rank 2");
        assertMessage(() -> Pooling.maxPool2d(Naive.rand(1, 1, 1, 2, 3), 3), "max_pool2d", "[1, 1, 2, 3]",
                "larger than the padded input 2x3");
        assertMessage(() -> Pooling.avgPool2d(Naive.rand(1, 1, 1, 2, 9), 5, 1, 1), "avg_pool2d", "padded input 4x11");
        assertMessage(() -> Pooling.maxPool2d(Naive.rand(1, 1, 1, 8, 8), 3, 1, 2), "at most half the kernel", "2x2", "3x3");
        assertMessage(() -> Pooling.maxPool2d(Naive.rand(1, 1, 1, 8, 8), new int[]{2}, new int[]{2, 2}, new int[]{0, 0},
                new int[]{1, 1}), "kernel", "{height, width} pair", "[2]");
        assertMessage(() -> Pooling.globalAvgPool2d(Naive.rand(1, 2, 3, 4, 5, 6)), "global_avg_pool2d", "rank 5");
        assertMessage(() -> Pooling.adaptiveAvgPool2d(Naive.rand(1, 1, 1, 4, 4), 0, 2), "output size", "0x2");
    }
}
