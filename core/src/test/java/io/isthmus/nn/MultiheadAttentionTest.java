package io.isthmus.nn;

import io.isthmus.ops.GradCheck;
import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MultiheadAttention: names and counts, masks, weights, layouts, finite differences, bad shapes, eval. */
class MultiheadAttentionTest {

    @Test
    void parametersHavePyTorchNamesAndCounts() {
        MultiheadAttention mha = new MultiheadAttention(8, 2, 0f, true, new SplittableRandom(1));
        assertEquals(List.of("in_proj_bias", "in_proj_weight", "out_proj.bias", "out_proj.weight"),
                mha.stateDict().keySet().stream().sorted().toList());
        assertEquals(3 * 64 + 3 * 8 + 64 + 8, mha.parameters().stream().mapToInt(Tensor::numel).sum());
        for (float v : mha.outProj().bias().data()) {
            assertEquals(0f, v);
        }
    }

    @Test
    void weightsAreHeadAveragedRowsAndBoolMaskEqualsCausal() {
        SplittableRandom r = new SplittableRandom(2);
        MultiheadAttention mha = new MultiheadAttention(6, 3, 0f, true, r);
        Tensor x = Tensor.uniform(r, -1, 1, 2, 5, 6);
        MhaOutput causal = mha.forward(x, x, x, MhaOptions.CAUSAL.withNeedWeights(true));
        int[] upper = new int[25];
        for (int i = 0; i < 5; i++) {
            for (int j = i + 1; j < 5; j++) {
                upper[i * 5 + j] = 1;
            }
        }
        MhaOutput bool = mha.forward(x, x, x, MhaOptions.NONE.withAttnMask(IndexTensor.of(upper, 5, 5)).withNeedWeights(true));
        assertArrayEquals(causal.output().data(), bool.output().data(), 1e-6f);
        float[] w = causal.weights().data();
        assertArrayEquals(new int[]{2, 5, 5}, causal.weights().shape());
        for (int row = 0; row < 10; row++) {
            double sum = 0;
            for (int j = 0; j < 5; j++) {
                sum += w[row * 5 + j];
                if (j > row % 5) {
                    assertEquals(0f, w[row * 5 + j]);
                }
            }
            assertEquals(1, sum, 1e-5);
        }
        assertNull(mha.forward(x, x, x, MhaOptions.NONE).weights());
    }

    @Test
    void keyPaddingIgnoresKeysAndTimeFirstLayoutMatches() {
        SplittableRandom r = new SplittableRandom(3);
        MultiheadAttention mha = new MultiheadAttention(4, 2, 0f, true, new SplittableRandom(9));
        MultiheadAttention timeFirst = new MultiheadAttention(4, 2, 0f, false, new SplittableRandom(9));
        Tensor q = Tensor.uniform(r, -1, 1, 1, 3, 4);
        Tensor kv = Tensor.uniform(r, -1, 1, 1, 4, 4);
        Tensor padded = mha.forward(q, kv, kv, MhaOptions.NONE.withKeyPaddingMask(IndexTensor.of(new int[]{0, 0, 1, 1}, 1, 4))).output();
        Tensor kv2 = io.isthmus.ops.Views.narrow(kv, 1, 0, 2);
        Tensor shorter = mha.forward(q, kv2, kv2, MhaOptions.NONE).output();
        assertArrayEquals(shorter.data(), padded.data(), 1e-6f);
        Tensor tf = timeFirst.forward(io.isthmus.ops.ShapeOps.transpose(q, 0, 1), io.isthmus.ops.ShapeOps.transpose(kv, 0, 1),
                io.isthmus.ops.ShapeOps.transpose(kv, 0, 1), MhaOptions.NONE).output();
        assertArrayEquals(mha.forward(q, kv, kv, MhaOptions.NONE).output().data(),
                io.isthmus.ops.ShapeOps.transpose(tf, 0, 1).data(), 1e-6f);
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        SplittableRandom r = new SplittableRandom(4);
        MultiheadAttention mha = new MultiheadAttention(4, 2, 0f, true, r);
        Tensor q = Tensor.uniform(r, -1, 1, 2, 3, 4);
        Tensor kv = Tensor.uniform(r, -1, 1, 2, 5, 4);
        Tensor bias = mha.inProjBias();
        System.arraycopy(Tensor.uniform(r, -0.5f, 0.5f, 12).data(), 0, bias.data(), 0, 12);
        GradCheck.check("mha cross", in -> mha.forward(in.get(0), in.get(1), in.get(1), MhaOptions.NONE).output(),
                List.of(q, kv, mha.inProjWeight(), bias, mha.outProj().weight()));
    }

    @Test
    void badShapesAndEvalDropout() {
        MultiheadAttention mha = new MultiheadAttention(4, 2, 0.5f, true, new SplittableRandom(5));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> mha.forward(Tensor.zeros(1, 3, 4), Tensor.zeros(1, 2, 5), Tensor.zeros(1, 2, 5), MhaOptions.NONE));
        assertTrue(e.getMessage().contains("[1, 3, 4]") && e.getMessage().contains("[1, 2, 5]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MultiheadAttention(5, 2));
        Tensor x = Tensor.uniform(new SplittableRandom(6), -1, 1, 1, 4, 4);
        mha.eval();
        assertArrayEquals(mha.forward(x).data(), mha.forward(x).data());
        mha.train();
        assertTrue(!java.util.Arrays.equals(mha.forward(x).data(), mha.forward(x).data()), "training dropout varies per call");
    }
}
