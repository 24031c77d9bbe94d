package io.isthmus.nn;

import io.isthmus.ops.GradCheck;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Linear on sequence outputs: any leading dimensions, [B, T, I] -> [B, T, O] (issue 12, point 2). */
class LinearLeadingDimsTest {

    @Test
    void appliesToEveryPositionOfASequenceBatch() {
        int b = 2;
        int t = 7;
        int in = 3;
        int out = 5;
        Linear layer = new Linear(in, out, true, new SplittableRandom(11));
        Tensor x = Tensor.uniform(new SplittableRandom(12), -1f, 1f, b, t, in);
        Tensor y = layer.forward(x);
        assertArrayEquals(new int[]{b, t, out}, y.shape());
        float[] w = layer.weight().data();
        float[] bias = layer.bias().data();
        for (int i = 0; i < b * t; i++) {
            for (int o = 0; o < out; o++) {
                double expected = bias[o];
                for (int k = 0; k < in; k++) {
                    expected += (double) x.data()[i * in + k] * w[o * in + k];
                }
                assertEquals(expected, y.data()[i * out + o], 1e-5, "row " + i + ", output " + o);
            }
        }
        // one position at a time gives the same rows
        Tensor single = layer.forward(Tensor.of(java.util.Arrays.copyOfRange(x.data(), 4 * in, 5 * in), in));
        assertArrayEquals(java.util.Arrays.copyOfRange(y.data(), 4 * out, 5 * out), single.data(), 1e-6f);
    }

    @Test
    void gradientsThroughFourDimensionalInputWithBias() {
        SplittableRandom r = new SplittableRandom(3);
        GradCheck.check("linear [2, 1, 3, 4] -> [2, 1, 3, 7] with bias",
                in -> io.isthmus.ops.Linear.linear(in.get(0), in.get(1), in.get(2)),
                List.of(Tensor.uniform(r, -1f, 1f, 2, 1, 3, 4), Tensor.uniform(r, -1f, 1f, 7, 4), Tensor.uniform(r, -1f, 1f, 7)));
    }
}
