package io.isthmus.golden;

import io.isthmus.nn.PositionalEncoding;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The sinusoidal encoding of the golden case's formula on odd sizes (d_model 1, 7, 33; max_len 1,
 * 17), added to random x [B, T, E] at a position offset, against a float64 reference of the
 * formula written here; the gradient of x is the upstream gradient unchanged.
 */
class PositionalEncodingOddSizesTest {

    static final GoldenSuite SUITE = GoldenSuite.oddSizes("positional_encoding");
    private static final int[][] SIZES = {{1, 1, 1, 0}, {7, 17, 3, 5}, {33, 17, 2, 16}, {7, 1, 7, 0}};

    @TestFactory
    Stream<DynamicTest> matchesTheFloat64ReferenceOnOddSizes() {
        return SUITE.cases().stream().flatMap(c -> Arrays.stream(SIZES)
                .map(s -> DynamicTest.dynamicTest(c.name() + " " + Arrays.toString(s), () -> check(s))));
    }

    /** s = {d_model, max_len, B, offset}; T = max_len - offset. */
    private static void check(int[] s) {
        int d = s[0];
        int maxLen = s[1];
        int b = s[2];
        int offset = s[3];
        int t = maxLen - offset;
        SplittableRandom random = new SplittableRandom(Arrays.hashCode(s));
        float[] x = DoubleReference.uniform(random, b * t * d, -1, 1, 0);
        float[] g = DoubleReference.uniform(random, b * t * d, -1, 1, 0);
        Tensor input = Tensor.of(x.clone(), b, t, d).requiresGrad(true);
        Tensor out = new PositionalEncoding(d, maxLen).forward(input, offset);
        out.backward(g);
        double[] expected = new double[x.length];
        for (int bi = 0; bi < b; bi++) {
            for (int p = 0; p < t; p++) {
                for (int i = 0; i < d; i++) {
                    int pos = p + offset;
                    double freq = Math.exp(-(i / 2 * 2) * Math.log(10000.0) / d);
                    double pe = i % 2 == 0 ? Math.sin(pos * freq) : Math.cos(pos * freq);
                    expected[(bi * t + p) * d + i] = x[(bi * t + p) * d + i] + pe;
                }
            }
        }
        DoubleReference.assertClose("pe " + Arrays.toString(s) + " out", expected, out.data(), 1e-5, 1e-4);
        DoubleReference.assertClose("pe " + Arrays.toString(s) + " grad.x", DoubleReference.widen(g), input.grad(), 1e-6, 0);
    }
}
