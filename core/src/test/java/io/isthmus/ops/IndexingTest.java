package io.isthmus.ops;

import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Embedding, gather, index-select, scatter-add and argmax/argmin against plain loops written here. */
class IndexingTest {

    private static Tensor rand(long seed, int... shape) {
        return Tensor.uniform(new SplittableRandom(seed), -1f, 1f, shape);
    }

    private static IndexTensor randomIndices(long seed, int bound, int... shape) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] data = new int[Shape.numel(shape)];
        for (int i = 0; i < data.length; i++) {
            data[i] = random.nextInt(bound);
        }
        return IndexTensor.of(data, shape);
    }

    private static void assertMessage(Class<? extends Throwable> type, Runnable call, String... parts) {
        Throwable e = assertThrows(type, call::run);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), () -> "'" + e.getMessage() + "' does not mention '" + part + "'");
        }
    }

    // ---- embedding ---------------------------------------------------------------------------

    @Test
    void embeddingCopiesRowsAndSumsTheGradientOfRepeatedIds() {
        int rows = 7;
        int dim = 5;
        Tensor weight = rand(1, rows, dim).requiresGrad(true);
        IndexTensor ids = IndexTensor.of(new int[]{3, 0, 3, 6, 3, 1}, 2, 3);
        Tensor out = Indexing.embedding(weight, ids);
        assertArrayEquals(new int[]{2, 3, dim}, out.shape());
        for (int p = 0; p < 6; p++) {
            for (int j = 0; j < dim; j++) {
                assertEquals(weight.data()[ids.data()[p] * dim + j], out.data()[p * dim + j], "position " + p + ", " + j);
            }
        }
        float[] g = rand(2, 2, 3, dim).data();
        out.backward(g);
        float[] expected = new float[rows * dim];
        for (int p = 0; p < 6; p++) {
            for (int j = 0; j < dim; j++) {
                expected[ids.data()[p] * dim + j] += g[p * dim + j];
            }
        }
        assertArrayEquals(expected, weight.grad(), 1e-6f);
    }

    @Test
    void paddingRowGetsNoGradientAndNegativePaddingCountsFromTheEnd() {
        Tensor weight = rand(3, 4, 3).requiresGrad(true);
        IndexTensor ids = IndexTensor.vector(3, 1, 3, 0);
        Tensor out = Indexing.embedding(weight, ids, -1);
        assertEquals(weight.get(3, 2), out.get(0, 2), "the padding row is still looked up");
        out.backward(Tensor.ones(4, 3).data());
        float[] g = weight.grad();
        assertArrayEquals(new float[]{1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0}, g);
        assertMessage(IllegalArgumentException.class, () -> Indexing.embedding(weight, ids, 4), "padding index 4", "4 embeddings");
        assertMessage(IllegalArgumentException.class, () -> Indexing.embedding(weight, ids, -5), "padding index -5");
    }

    @Test
    void outOfRangeIdIsNamedWithItsPositionAndTheTableSize() {
        Tensor weight = rand(4, 12, 2);
        IndexTensor ids = IndexTensor.of(new int[]{0, 1, 2, 3, 4, 12}, 2, 3);
        assertMessage(IllegalArgumentException.class, () -> Indexing.embedding(weight, ids), "id 12", "[1, 2]", "12 embeddings");
        assertMessage(IllegalArgumentException.class, () -> Indexing.embedding(weight, IndexTensor.vector(-1)), "id -1", "[0]");
        assertMessage(IllegalArgumentException.class, () -> Indexing.embedding(rand(5, 12), ids), "[12]", "weight");
    }

    @Test
    void embeddingKeepsItsIdsWhenTheCallerReusesTheBuffer() {
        Tensor weight = rand(6, 5, 2).requiresGrad(true);
        int[] buffer = {4, 4};
        Tensor out = Indexing.embedding(weight, IndexTensor.of(buffer, 2));
        buffer[0] = 0;
        buffer[1] = 0;
        out.backward(new float[]{1, 1, 1, 1});
        assertEquals(2f, weight.grad()[4 * 2]);
        assertEquals(0f, weight.grad()[0]);
    }

    // ---- gather, index select, scatter add ---------------------------------------------------

    @Test
    void gatherMatchesALoopOnEveryAxisAndScatterAddsItsGradient() {
        int[] xs = {3, 7, 5};
        for (int axis = 0; axis < 3; axis++) {
            int[] is = {2, 6, 4};
            is[axis] = 9; // longer than x along the gathered axis: indices repeat
            Tensor x = rand(10 + axis, xs).requiresGrad(true);
            IndexTensor index = randomIndices(20 + axis, xs[axis], is);
            Tensor out = Indexing.gather(x, axis, index);
            assertArrayEquals(is, out.shape());
            float[] g = rand(30 + axis, is).data();
            out.backward(g);
            float[] expectedGrad = new float[x.numel()];
            for (int i = 0; i < out.numel(); i++) {
                int[] at = Shape.unflatten(i, is);
                at[axis] = index.data()[i];
                int source = Shape.flatIndex(at, xs);
                assertEquals(x.data()[source], out.data()[i], "axis " + axis + " element " + i);
                expectedGrad[source] += g[i];
            }
            assertArrayEquals(expectedGrad, x.grad(), 1e-5f, "axis " + axis);
        }
    }

    @Test
    void gatherRejectsBadIndices() {
        Tensor x = rand(1, 3, 4);
        assertMessage(IllegalArgumentException.class, () -> Indexing.gather(x, 1, IndexTensor.of(new int[]{0, 1, 2, 4}, 2, 2)),
                "index 4", "[1, 1]", "axis 1", "size 4");
        assertMessage(IllegalArgumentException.class, () -> Indexing.gather(x, 1, IndexTensor.vector(0)), "rank 1", "rank 2");
        assertMessage(IllegalArgumentException.class, () -> Indexing.gather(x, 1, IndexTensor.zeros(4, 1)),
                "axis 0", "4 > 3");
        assertMessage(IllegalArgumentException.class, () -> Indexing.gather(x, 2, IndexTensor.zeros(1, 1)), "axis 2", "rank 2");
    }

    @Test
    void indexSelectPicksSlicesInIndexOrderAndAddsGradientsBack() {
        int[] xs = {7, 17, 3};
        for (int axis = 0; axis < 3; axis++) {
            Tensor x = rand(40 + axis, xs).requiresGrad(true);
            IndexTensor index = randomIndices(50 + axis, xs[axis], 33);
            Tensor out = Indexing.indexSelect(x, axis, index);
            int[] os = xs.clone();
            os[axis] = 33;
            assertArrayEquals(os, out.shape());
            float[] g = rand(60 + axis, os).data();
            out.backward(g);
            float[] expectedGrad = new float[x.numel()];
            for (int i = 0; i < out.numel(); i++) {
                int[] at = Shape.unflatten(i, os);
                at[axis] = index.data()[at[axis]];
                int source = Shape.flatIndex(at, xs);
                assertEquals(x.data()[source], out.data()[i]);
                expectedGrad[source] += g[i];
            }
            assertArrayEquals(expectedGrad, x.grad(), 1e-5f, "axis " + axis);
        }
        Tensor x = rand(1, 2, 3);
        assertMessage(IllegalArgumentException.class, () -> Indexing.indexSelect(x, 1, IndexTensor.vector(0, 3)),
                "index 3", "position 1", "size 3");
        assertMessage(IllegalArgumentException.class, () -> Indexing.indexSelect(x, 1, IndexTensor.zeros(1, 1)),
                "one-dimensional");
        assertArrayEquals(new int[]{2, 1}, Indexing.indexSelect(x, 1, IndexTensor.of(new int[]{2})).shape());
    }

    @Test
    void scatterAddAddsSourceElementsWhereTheIndexPoints() {
        int[] bs = {5, 4};
        Tensor base = rand(1, bs).requiresGrad(true);
        Tensor src = rand(2, 3, 7).requiresGrad(true); // larger than the index: the extra elements are unused
        IndexTensor index = randomIndices(3, 5, 2, 4); // along axis 0, into base's 5 rows
        Tensor out = Indexing.scatterAdd(base, 0, index, src);
        float[] expected = base.data().clone();
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 4; j++) {
                expected[index.get(i, j) * 4 + j] += src.get(i, j);
            }
        }
        assertArrayEquals(expected, out.data(), 1e-6f);
        float[] g = rand(4, bs).data();
        out.backward(g);
        assertArrayEquals(g, base.grad());
        float[] expectedSrc = new float[21];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 4; j++) {
                expectedSrc[i * 7 + j] = g[index.get(i, j) * 4 + j];
            }
        }
        assertArrayEquals(expectedSrc, src.grad());
        assertMessage(IllegalArgumentException.class, () -> Indexing.scatterAdd(base, 0, IndexTensor.zeros(4, 4), src),
                "larger than src", "axis 0");
        assertMessage(IllegalArgumentException.class, () -> Indexing.scatterAdd(base, 0, IndexTensor.of(new int[]{5}, 1, 1), src),
                "index 5", "base", "size 5");
    }

    @Test
    void gradientsByFiniteDifferences() {
        GradCheck.check("embedding", in -> Indexing.embedding(in.get(0), IndexTensor.of(new int[]{1, 1, 0, 6, 2, 1}, 3, 2)),
                List.of(rand(1, 7, 3)));
        GradCheck.check("gather", in -> Indexing.gather(in.get(0), 1, randomIndices(3, 5, 3, 7, 2)),
                List.of(rand(4, 3, 5, 2)));
        GradCheck.check("index select", in -> Indexing.indexSelect(in.get(0), 0, IndexTensor.vector(2, 0, 2)),
                List.of(rand(5, 3, 4)));
        GradCheck.check("scatter add", in -> Indexing.scatterAdd(in.get(0), 1, randomIndices(6, 4, 2, 5), in.get(1)),
                List.of(rand(7, 3, 4), rand(8, 2, 6)));
    }

    // ---- argmax / argmin ---------------------------------------------------------------------

    @Test
    void argmaxAndArgminAlongAnAxisMatchALoop() {
        int[] shape = {7, 17, 3};
        Tensor x = rand(9, shape);
        for (int axis = 0; axis < 3; axis++) {
            for (boolean max : new boolean[]{true, false}) {
                IndexTensor got = max ? x.argmax(axis, false) : x.argmin(axis, false);
                IndexTensor kept = max ? x.argmax(axis - 3, true) : x.argmin(axis - 3, true);
                int[] keptShape = shape.clone();
                keptShape[axis] = 1;
                assertArrayEquals(keptShape, kept.shape());
                assertEquals(got, kept.reshape(got.shape()));
                for (int i = 0; i < kept.numel(); i++) {
                    int[] at = Shape.unflatten(i, keptShape);
                    int best = 0;
                    for (int j = 1; j < shape[axis]; j++) {
                        at[axis] = j;
                        float v = x.get(at);
                        at[axis] = best;
                        float b = x.get(at);
                        if (max ? v > b : v < b) {
                            best = j;
                        }
                    }
                    assertEquals(best, kept.data()[i], (max ? "argmax" : "argmin") + " axis " + axis + " at " + i);
                }
            }
        }
    }

    @Test
    void tiesGoToTheFirstPositionAndNanWinsLikePyTorch() {
        Tensor x = Tensor.of(new float[]{1, 3, 3, 1, 0, 3}, 2, 3);
        assertEquals(1, x.argmax().item());
        assertEquals(4, x.argmin().item());
        assertArrayEquals(new int[0], x.argmax().shape());
        assertArrayEquals(new int[]{0, 0, 0}, x.argmax(0, false).data());
        assertArrayEquals(new int[]{0, 1, 0}, x.argmin(0, false).data());
        assertArrayEquals(new int[]{1, 2}, x.argmax(1, false).data());
        assertArrayEquals(new int[]{0, 1}, x.argmin(1, false).data());
        Tensor withNan = Tensor.of(new float[]{1, Float.NaN, 5, Float.NaN}, 4);
        assertEquals(1, withNan.argmax().item());
        assertEquals(1, withNan.argmin().item());
        assertEquals(2, Tensor.of(new float[]{-1, -1, Float.POSITIVE_INFINITY}, 3).argmax().item());
    }

    @Test
    void argmaxTakesNoPartInAutogradAndRejectsEmptyAxes() {
        Tensor x = rand(1, 2, 3).requiresGrad(true);
        IndexTensor picked = x.argmax(1, false);
        assertNull(x.grad());
        assertEquals(2, picked.numel());
        assertMessage(IllegalArgumentException.class, () -> Tensor.zeros(2, 0).argmax(1, false), "size 0", "[2, 0]");
        assertMessage(IllegalArgumentException.class, () -> Tensor.zeros(0).argmin(), "empty");
        assertMessage(IllegalArgumentException.class, () -> x.argmax(2, false), "axis 2", "rank 2");
    }
}
