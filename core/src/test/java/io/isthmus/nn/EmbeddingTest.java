package io.isthmus.nn;

import io.isthmus.optim.SGD;
import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Seeds;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Embedding: PyTorch's N(0, 1) initialization and state dict name, lookup, padding row, typed input. */
class EmbeddingTest {

    @Test
    void weightIsStandardNormalUnderItsPyTorchName() {
        Embedding table = new Embedding(1000, 64, new SplittableRandom(3));
        assertArrayEquals(new int[]{1000, 64}, table.weight().shape());
        assertEquals(List.of("weight"), List.copyOf(table.stateDict().keySet()));
        assertEquals(64_000, table.parameterCount());
        double sum = 0;
        double sumSquares = 0;
        for (float w : table.weight().data()) {
            sum += w;
            sumSquares += (double) w * w;
        }
        int n = 64_000;
        assertEquals(0, sum / n, 0.02, "mean");
        assertEquals(1, sumSquares / n, 0.03, "variance");
        assertTrue(table.weight().requiresGrad());
    }

    @Test
    void seedsMakeInitializationRepeatable() {
        Seeds.set(5);
        float[] a = new Embedding(10, 4).weight().data();
        Seeds.set(5);
        float[] b = new Embedding(10, 4).weight().data();
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, new Embedding(10, 4).weight().data()));
    }

    @Test
    void forwardLooksUpRowsForIdsOfAnyShape() {
        Embedding table = new Embedding(5, 3, new SplittableRandom(1));
        IndexTensor ids = IndexTensor.of(new int[]{4, 0, 4, 2}, 2, 1, 2);
        Tensor out = table.forward(ids);
        assertArrayEquals(new int[]{2, 1, 2, 3}, out.shape());
        for (int p = 0; p < 4; p++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(table.weight().get(ids.data()[p], j), out.data()[p * 3 + j]);
            }
        }
        assertEquals("Embedding(num=5, dim=3)", table.toString());
    }

    @Test
    void paddingRowStartsAtZeroAndStaysThereThroughTraining() {
        Embedding table = new Embedding(6, 4, -2, new SplittableRandom(2));
        assertEquals(OptionalInt.of(4), table.paddingIdx());
        float[] before = table.weight().data().clone();
        for (int j = 0; j < 4; j++) {
            assertEquals(0f, before[4 * 4 + j], "padding row element " + j);
        }
        SGD sgd = new SGD(table.parameters(), 0.5f);
        for (int step = 0; step < 3; step++) {
            sgd.zeroGrad();
            // without padding, row 4 would get a gradient of 1 per use from the linear term
            Tensor e = table.forward(IndexTensor.vector(4, 1, 4, 3));
            e.mul(e).add(e).sum().backward();
            sgd.step();
        }
        float[] after = table.weight().data();
        for (int j = 0; j < 4; j++) {
            assertEquals(0f, after[4 * 4 + j], "padding row element " + j + " after training");
        }
        assertFalse(Arrays.equals(Arrays.copyOfRange(before, 4, 8), Arrays.copyOfRange(after, 4, 8)), "row 1 was trained");
        assertArrayEquals(Arrays.copyOfRange(before, 0, 4), Arrays.copyOfRange(after, 0, 4), "row 0 was not used");
        assertEquals("Embedding(num=6, dim=4, padding_idx=4)", table.toString());
        assertEquals(OptionalInt.empty(), new Embedding(6, 4).paddingIdx());
    }

    @Test
    void badIdsAndBadSettingsAreRejectedWithTheReason() {
        Embedding table = new Embedding(5, 3, new SplittableRandom(1));
        IllegalArgumentException id = assertThrows(IllegalArgumentException.class, () -> table.forward(IndexTensor.vector(1, 5)));
        assertTrue(id.getMessage().contains("id 5") && id.getMessage().contains("[1]") && id.getMessage().contains("5 embeddings"),
                id.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Embedding(0, 3));
        assertThrows(IllegalArgumentException.class, () -> new Embedding(3, 0));
        IllegalArgumentException padding = assertThrows(IllegalArgumentException.class, () -> new Embedding(3, 2, 3));
        assertTrue(padding.getMessage().contains("padding index 3"), padding.getMessage());
    }

    @Test
    void loadsAStateDict() {
        Embedding table = new Embedding(2, 2, new SplittableRandom(1));
        table.loadStateDict(Map.of("weight", Tensor.of(new float[]{1, 2, 3, 4}, 2, 2)));
        assertArrayEquals(new float[]{3, 4, 1, 2}, table.forward(IndexTensor.vector(1, 0)).data());
    }
}
