package io.isthmus.data;

import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TensorDataset, Subset and the seeded permutations under them. */
class DatasetTest {

    @Test
    void tensorDatasetGathersRowsAndVectorTargets() {
        // features [3, 2, 2], targets [3, 2]
        float[] x = new float[12];
        for (int i = 0; i < 12; i++) {
            x[i] = i;
        }
        float[] y = {10, 11, 20, 21, 30, 31};
        TensorDataset d = new TensorDataset(x, new int[]{3, 2, 2}, y, new int[]{3, 2});
        assertEquals(3, d.size());
        assertArrayEquals(new int[]{2, 2}, d.featureShape());
        assertArrayEquals(new int[]{2}, d.targetShape());
        Batch b = d.batch(2, 0, 2);
        assertArrayEquals(new int[]{3, 2, 2}, b.inputs().shape());
        assertArrayEquals(new int[]{3, 2}, b.targets().shape());
        assertArrayEquals(new float[]{8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11}, b.inputs().data());
        assertArrayEquals(new float[]{30, 31, 10, 11, 30, 31}, b.targets().data());

        TensorDataset flat = d.withFeatureShape(4);
        assertArrayEquals(new int[]{2, 4}, flat.batch(0, 1).inputs().shape());
        assertTrue(flat.features() == d.features(), "a view, not a copy");
    }

    @Test
    void tensorDatasetFromTensors() {
        TensorDataset d = TensorDataset.of(Tensor.of(new float[]{1, 2, 3, 4, 5, 6}, 3, 2), Tensor.of(new float[]{0, 1, 0}, 3));
        assertEquals(3, d.size());
        assertArrayEquals(new float[]{5, 6}, d.batch(2).inputs().data());
        assertArrayEquals(new int[]{}, d.targetShape());
    }

    @Test
    void tensorDatasetRejectsMismatchedShapesNamingThem() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new TensorDataset(new float[6], new int[]{3, 2}, new float[2], new int[]{2}));
        assertTrue(e.getMessage().contains("[3, 2]") && e.getMessage().contains("[2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new TensorDataset(new float[5], new int[]{3, 2}, new float[3], new int[]{3}));
        assertTrue(e.getMessage().contains("needs 6 floats, got 5"), e.getMessage());
        TensorDataset d = new TensorDataset(new float[6], new int[]{3, 2}, new float[3], new int[]{3});
        e = assertThrows(IllegalArgumentException.class, () -> d.withFeatureShape(3));
        assertTrue(e.getMessage().contains("[2] (2 elements) as [3] (3 elements)"), e.getMessage());
        var oob = assertThrows(IndexOutOfBoundsException.class, () -> d.batch(3));
        assertTrue(oob.getMessage().contains("sample index 3 out of range [0, 3)"), oob.getMessage());
        // Every index is checked before any row is copied: a bad one late in a batch writes nothing.
        float[] features = {-1, -1, -1, -1, -1, -1};
        float[] targets = {-1, -1, -1};
        assertThrows(IndexOutOfBoundsException.class, () -> d.gather(new int[]{0, 1, -1}, 0, 3, features, targets));
        assertArrayEquals(new float[]{-1, -1, -1, -1, -1, -1}, features);
        assertArrayEquals(new float[]{-1, -1, -1}, targets);
    }

    @Test
    void subsetRangeAndIndices() {
        TensorDataset d = DataLoaderTest.indexed(10);
        Subset last = Subset.range(d, 7, 10);
        assertEquals(3, last.size());
        assertArrayEquals(new float[]{9, -9, 7, -7}, last.batch(2, 0).inputs().data());
        Subset picked = new Subset(last, new int[]{2, 2});
        assertArrayEquals(new float[]{1009, 1009}, picked.batch(0, 1).targets().data());
        assertThrows(IndexOutOfBoundsException.class, () -> new Subset(d, new int[]{10}));
        assertThrows(IndexOutOfBoundsException.class, () -> Subset.range(d, 5, 11));
        assertThrows(IndexOutOfBoundsException.class, () -> last.batch(3));
    }

    @Test
    void randomSplitIsDisjointCompleteAndSeeded() {
        TensorDataset d = DataLoaderTest.indexed(103);
        List<Subset> parts = Subset.randomSplit(d, 7, 80, 23);
        assertEquals(80, parts.get(0).size());
        assertEquals(23, parts.get(1).size());
        int[] all = IntStream.concat(Arrays.stream(parts.get(0).indices()), Arrays.stream(parts.get(1).indices())).sorted().toArray();
        assertArrayEquals(Permutations.identity(103), all);
        assertArrayEquals(parts.get(1).indices(), Subset.randomSplit(d, 7, 80, 23).get(1).indices(), "same seed, same split");
        assertFalse(Arrays.equals(parts.get(1).indices(), Subset.randomSplit(d, 8, 80, 23).get(1).indices()));

        List<Subset> byFraction = Subset.randomSplit(d, 7, 0.9, 0.1);
        assertEquals(93, byFraction.get(0).size()); // floor(92.7) = 92, plus one of the leftover
        assertEquals(10, byFraction.get(1).size());

        var e = assertThrows(IllegalArgumentException.class, () -> Subset.randomSplit(d, 1, 50, 50));
        assertTrue(e.getMessage().contains("[50, 50] add up to 100, but the dataset has 103"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Subset.randomSplit(d, 1, 0.5, 0.6));
    }

    @Test
    void permutationsAreUniform() {
        // All 6 orders of 3 items, over 60000 seeds: each about 10000 times.
        int[] counts = new int[6];
        for (int seed = 0; seed < 60_000; seed++) {
            int[] p = Permutations.random(3, Permutations.derive(seed, 0));
            counts[p[0] * 2 + (p[1] > p[2] ? 1 : 0)]++;
        }
        for (int c : counts) {
            assertTrue(Math.abs(c - 10_000) < 500, "permutation counts " + Arrays.toString(counts));
        }
    }
}
