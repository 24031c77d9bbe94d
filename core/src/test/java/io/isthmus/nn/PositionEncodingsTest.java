package io.isthmus.nn;

import io.isthmus.ops.GradCheck;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PositionalEncoding (buffer, dropout, offsets, bad shapes) and PositionEmbedding (weight rows, gradients). */
class PositionEncodingsTest {

    @Test
    void tableIsABufferAndEvalDisablesDropout() {
        PositionalEncoding pe = new PositionalEncoding(6, 9, 0.5f);
        assertTrue(pe.parameters().isEmpty());
        assertTrue(pe.stateDict().containsKey("pe"));
        Tensor x = Tensor.ones(2, 9, 6);
        pe.eval();
        Tensor evalOut = pe.forward(x);
        float[] expected = PositionalEncoding.table(9, 6);
        for (int i = 0; i < evalOut.numel(); i++) {
            assertEquals(1 + expected[i % 54], evalOut.data()[i], 1e-6);
        }
        pe.train();
        Tensor trainOut = pe.forward(x);
        long zeros = 0;
        for (float v : trainOut.data()) {
            zeros += v == 0 ? 1 : 0;
        }
        assertTrue(zeros > 10 && zeros < 98, "dropout 0.5 in training zeroed " + zeros + " of 108");
    }

    @Test
    void offsetAddsLaterRowsAndBadShapesThrow() {
        PositionalEncoding pe = new PositionalEncoding(4, 5);
        Tensor out = pe.forward(Tensor.zeros(1, 2, 4), 3);
        float[] table = PositionalEncoding.table(5, 4);
        assertArrayEquals(java.util.Arrays.copyOfRange(table, 12, 20), out.data());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pe.forward(Tensor.zeros(1, 3, 4), 3));
        assertTrue(e.getMessage().contains("max_len 5"), e.getMessage());
        IllegalArgumentException s = assertThrows(IllegalArgumentException.class, () -> pe.forward(Tensor.zeros(1, 3, 5)));
        assertTrue(s.getMessage().contains("[1, 3, 5]"), s.getMessage());
    }

    @Test
    void positionEmbeddingAddsWeightRowsWithGradients() {
        SplittableRandom r = new SplittableRandom(5);
        PositionEmbedding emb = new PositionEmbedding(7, 3, r);
        assertEquals(21, emb.parameters().get(0).numel());
        Tensor out = emb.forward(Tensor.zeros(2, 2, 3), 4);
        float[] w = emb.weight().data();
        for (int b = 0; b < 2; b++) {
            for (int i = 0; i < 6; i++) {
                assertEquals(w[12 + i], out.data()[b * 6 + i]);
            }
        }
        Tensor x = Tensor.uniform(r, -1, 1, 2, 3, 3);
        GradCheck.check("position embedding", in -> emb.forward(in.get(0), 2), List.of(x, emb.weight()));
        assertThrows(IllegalArgumentException.class, () -> emb.forward(Tensor.zeros(1, 8, 3)));
    }
}
