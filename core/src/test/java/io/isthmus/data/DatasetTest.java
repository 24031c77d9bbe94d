package io.isthmus.data;

import io.isthmus.tensor.AnyTensor;
import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TensorDataset (named fields of both kinds), Subset and the seeded permutations under them. */
class DatasetTest {

    @Test
    void tensorDatasetGathersRowsAndVectorTargets() {
        // inputs [3, 2, 2], targets [3, 2] floats
        float[] x = new float[12];
        for (int i = 0; i < 12; i++) {
            x[i] = i;
        }
        float[] y = {10, 11, 20, 21, 30, 31};
        TensorDataset d = TensorDataset.of(Tensor.of(x, 3, 2, 2), Tensor.of(y, 3, 2));
        assertEquals(3, d.size());
        assertEquals(List.of(Field.floats("inputs", 2, 2), Field.floats("targets", 2)), d.fields());
        Batch b = d.batch(2, 0, 2);
        assertArrayEquals(new int[]{3, 2, 2}, b.inputs().shape());
        assertArrayEquals(new int[]{3, 2}, b.targets().shape());
        assertArrayEquals(new float[]{8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11}, b.inputs().data());
        assertArrayEquals(new float[]{30, 31, 10, 11, 30, 31}, b.tensor("targets").data());

        TensorDataset flat = d.withFeatureShape(4);
        assertArrayEquals(new int[]{2, 4}, flat.batch(0, 1).inputs().shape());
        assertArrayEquals(new int[]{4}, flat.field("inputs").sampleShape());
        assertSame(d.tensor("inputs").data(), flat.tensor("inputs").data(), "a view, not a copy");
        assertSame(d.tensor("targets").data(), flat.tensor("targets").data());
    }

    @Test
    void tensorDatasetOfInputsAndClassIndices() {
        TensorDataset d = TensorDataset.of(Tensor.of(new float[]{1, 2, 3, 4, 5, 6}, 3, 2), IndexTensor.vector(0, 1, 7));
        assertEquals(3, d.size());
        assertEquals(Field.indices("targets"), d.field("targets"));
        assertEquals(1, d.field("targets").sampleSize());
        Batch b = d.batch(2, 1);
        assertArrayEquals(new float[]{5, 6, 3, 4}, b.inputs().data());
        assertEquals(IndexTensor.vector(7, 1), b.indices("targets"));
        assertEquals(IndexTensor.vector(0, 1, 7), d.indices("targets"));
    }

    /** A translation-style dataset: source ids [N, 3], target ids [N, 2], a float source mask [N, 3]. */
    static TensorDataset translationPairs(int n) {
        int[] source = new int[n * 3];
        int[] target = new int[n * 2];
        float[] mask = new float[n * 3];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 3; j++) {
                source[3 * i + j] = 100 * i + j;
                mask[3 * i + j] = j <= i % 3 ? 1f : 0f;
            }
            target[2 * i] = -i;
            target[2 * i + 1] = -i - 1000;
        }
        return TensorDataset.builder()
                .indices("source", source, n, 3)
                .indices("target", target, n, 2)
                .floats("source_mask", mask, n, 3)
                .build();
    }

    @Test
    void severalNamedFieldsOfBothKinds() {
        TensorDataset d = translationPairs(5);
        assertEquals(List.of(Field.indices("source", 3), Field.indices("target", 2), Field.floats("source_mask", 3)),
                d.fields());
        Batch b = d.batch(4, 1);
        assertEquals(List.of("source", "target", "source_mask"), List.copyOf(b.names()));
        assertEquals(IndexTensor.of(new int[]{400, 401, 402, 100, 101, 102}, 2, 3), b.indices("source"));
        assertEquals(IndexTensor.of(new int[]{-4, -1004, -1, -1001}, 2, 2), b.indices("target"));
        assertArrayEquals(new float[]{1, 1, 0, 1, 1, 0}, b.tensor("source_mask").data());
        assertArrayEquals(new int[]{2, 3}, b.tensor("source_mask").shape());

        // The same through of(Map), in the map's order.
        Map<String, AnyTensor> fields = new LinkedHashMap<>();
        fields.put("mask", d.tensor("source_mask"));
        fields.put("ids", d.indices("source"));
        TensorDataset fromMap = TensorDataset.of(fields);
        assertEquals(List.of(Field.floats("mask", 3), Field.indices("ids", 3)), fromMap.fields());
        assertEquals(IndexTensor.of(new int[]{300, 301, 302}, 1, 3), fromMap.batch(3).indices("ids"));

        // gather into caller-provided arrays, one per field.
        float[] masks = new float[6];
        int[] sources = new int[6];
        int[] targets = new int[4];
        d.gather(new int[]{9, 0, 2, 9}, 1, 2, BatchArrays.wrap(d.fields(), 2, sources, targets, masks));
        assertArrayEquals(new int[]{0, 1, 2, 200, 201, 202}, sources);
        assertArrayEquals(new int[]{0, -1000, -2, -1002}, targets);
        assertArrayEquals(new float[]{1, 0, 0, 1, 1, 1}, masks);
    }

    @Test
    void fieldErrorsNameTheFieldShapesAndCounts() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> TensorDataset.of(Tensor.zeros(3, 2), IndexTensor.zeros(2)));
        assertEquals("field 'targets' [2] has 2 samples but 'inputs' [3, 2] has 3; every field needs the same "
                + "sample count N", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TensorDataset.builder().indices("ids", new int[5], 3, 2));
        assertTrue(e.getMessage().contains("5 elements but shape [3, 2] needs 6"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TensorDataset.builder().add("x", Tensor.zeros(2)).add("x", Tensor.zeros(2)));
        assertEquals("field 'x' is given twice", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TensorDataset.builder().build());
        assertEquals("a dataset needs at least one field", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TensorDataset.of(Map.of("s", Tensor.scalar(1f))));
        assertTrue(e.getMessage().contains("'s' is a scalar float32"), e.getMessage());

        TensorDataset d = translationPairs(3);
        e = assertThrows(IllegalArgumentException.class, () -> d.field("inputs"));
        assertEquals("the dataset has no field 'inputs'; it has [source INDEX [3], target INDEX [2], "
                + "source_mask FLOAT [3]]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> d.tensor("source"));
        assertTrue(e.getMessage().startsWith("dataset field 'source' must be a float Tensor, got an IndexTensor [3, 3]"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> d.indices("source_mask"));
        assertTrue(e.getMessage().startsWith("dataset field 'source_mask' must hold integer indices"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> d.batch(0).tensor("target"));
        assertTrue(e.getMessage().startsWith("batch field 'target' must be a float Tensor"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> d.batch(0).get("targets"));
        assertEquals("the batch has no field 'targets'; it has [source, target, source_mask]", e.getMessage());

        // Arrays of the wrong kind, length or number are refused naming the field.
        e = assertThrows(IllegalArgumentException.class,
                () -> BatchArrays.wrap(d.fields(), 2, new float[6], new int[4], new float[6]));
        assertEquals("field source INDEX [3] needs an int[], got float[]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> BatchArrays.wrap(d.fields(), 2, new int[6], new int[3], new float[6]));
        assertEquals("field target INDEX [2] needs 2 x 2 = 4 elements for 2 samples, got 3", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BatchArrays.wrap(d.fields(), 2, new int[6]));
        assertTrue(e.getMessage().contains("need 3 arrays, got 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BatchArrays.allocate(d.fields(), 1).floats(0));
        assertEquals("field source INDEX [3] holds indices: use ints(0)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> d.gather(new int[]{0}, 0, 1, BatchArrays.allocate(indexedFields(), 1)));
        assertTrue(e.getMessage().contains("cannot take 1 samples of [source INDEX [3]"), e.getMessage());
    }

    private static List<Field> indexedFields() {
        return DataLoaderTest.indexed(1).fields();
    }

    @Test
    void tensorDatasetRejectsBadViewsAndIndices() {
        TensorDataset d = TensorDataset.of(Tensor.zeros(3, 2), IndexTensor.zeros(3));
        var e = assertThrows(IllegalArgumentException.class, () -> d.withFeatureShape(3));
        assertTrue(e.getMessage().contains("field 'inputs' of sample shape [2] (2 elements) as [3] (3 elements)"),
                e.getMessage());
        var oob = assertThrows(IndexOutOfBoundsException.class, () -> d.batch(3));
        assertTrue(oob.getMessage().contains("sample index 3 out of range [0, 3)"), oob.getMessage());
        // Every index is checked before any row is copied: a bad one late in a batch writes nothing.
        float[] inputs = {-1, -1, -1, -1, -1, -1};
        int[] targets = {-1, -1, -1};
        BatchArrays out = BatchArrays.wrap(d.fields(), 3, inputs, targets);
        assertThrows(IndexOutOfBoundsException.class, () -> d.gather(new int[]{0, 1, -1}, 0, 3, out));
        assertArrayEquals(new float[]{-1, -1, -1, -1, -1, -1}, inputs);
        assertArrayEquals(new int[]{-1, -1, -1}, targets);
    }

    @Test
    void subsetRangeAndIndices() {
        TensorDataset d = DataLoaderTest.indexed(10);
        Subset last = Subset.range(d, 7, 10);
        assertEquals(3, last.size());
        assertEquals(d.fields(), last.fields());
        assertArrayEquals(new float[]{9, -9, 7, -7}, last.batch(2, 0).inputs().data());
        Subset picked = new Subset(last, new int[]{2, 2});
        assertEquals(IndexTensor.vector(1009, 1009), picked.batch(0, 1).indices("targets"));
        assertThrows(IndexOutOfBoundsException.class, () -> new Subset(d, new int[]{10}));
        assertThrows(IndexOutOfBoundsException.class, () -> Subset.range(d, 5, 11));
        assertThrows(IndexOutOfBoundsException.class, () -> last.batch(3));

        // Every field of a multi-field parent comes through.
        Subset pairs = new Subset(translationPairs(6), new int[]{5, 2});
        Batch b = pairs.batch(1, 0);
        assertEquals(IndexTensor.of(new int[]{200, 201, 202, 500, 501, 502}, 2, 3), b.indices("source"));
        assertEquals(IndexTensor.of(new int[]{-2, -1002, -5, -1005}, 2, 2), b.indices("target"));
        assertArrayEquals(new float[]{1, 1, 1, 1, 1, 1}, b.tensor("source_mask").data());
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
