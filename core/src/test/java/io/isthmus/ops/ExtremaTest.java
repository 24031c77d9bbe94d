package io.isthmus.ops;

import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static io.isthmus.ops.Naive.rand;
import static io.isthmus.ops.Naive.source;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExtremaTest {

    // ---- maximum / minimum -------------------------------------------------------------------

    @Test
    void maximumAndMinimumBroadcastLikeTheReference() {
        int[][][] pairs = {{{17}, {17}}, {{3, 7}, {7}}, {{2, 1, 7}, {1, 3, 1}}, {{1}, {3, 17}}, {{2, 3, 5, 7}, {3, 1, 1}}};
        long seed = 10;
        for (int[][] pair : pairs) {
            Tensor a = rand(++seed, pair[0]);
            Tensor b = rand(++seed, pair[1]);
            int[] out = Shape.broadcast(pair[0], pair[1]);
            Tensor hi = a.maximum(b);
            Tensor lo = a.minimum(b);
            assertArrayEquals(out, hi.shape());
            for (int i = 0; i < hi.numel(); i++) {
                float u = a.data()[source(pair[0], out, i)];
                float v = b.data()[source(pair[1], out, i)];
                assertEquals(u > v ? u : v, hi.data()[i]);
                assertEquals(u < v ? u : v, lo.data()[i]);
            }
            // on grids 0.05 apart, so that no finite difference crosses a tie
            GradCheck.check("maximum " + Shape.str(out), in -> in.get(0).maximum(in.get(1)),
                    List.of(grid(++seed, 0f, pair[0]), grid(++seed, 0.05f, pair[1])));
            GradCheck.check("minimum " + Shape.str(out), in -> in.get(0).minimum(in.get(1)),
                    List.of(grid(++seed, 0.05f, pair[0]), grid(++seed, 0f, pair[1])));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> rand(1, 2, 3).maximum(rand(2, 2)));
        assertTrue(e.getMessage().startsWith("maximum") && e.getMessage().contains("[2, 3]") && e.getMessage().contains("[2]"),
                e.getMessage());
    }

    /** Multiples of 0.1 in [-1, 1], plus offset. */
    private static Tensor grid(long seed, float offset, int... shape) {
        Tensor t = rand(seed, shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = Math.round(d[i] * 10) / 10f + offset;
        }
        return t;
    }

    /** Distinct values 0.05 apart in random order, so that no finite difference changes which one is largest. */
    private static Tensor distinct(long seed, int... shape) {
        int n = Shape.numel(shape);
        float[] d = new float[n];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            int j = random.nextInt(i + 1);
            d[i] = d[j];
            d[j] = (i - n / 2) * 0.05f;
        }
        return Tensor.of(d, shape);
    }

    @Test
    void tiesSplitTheGradientAndNaNWins() {
        Tensor a = Tensor.of(new float[]{1f, 2f, 3f, Float.NaN}, 4).requiresGrad(true);
        Tensor b = Tensor.of(new float[]{1f, 5f, 0f, 1f}, 4).requiresGrad(true);
        Tensor y = a.maximum(b);
        assertEquals(1f, y.data()[0]);
        assertTrue(Float.isNaN(y.data()[3]));
        y.backward(new float[]{4f, 4f, 4f, 4f});
        // tie: half each; lost: 0; NaN: nothing compares, both get it (PyTorch's formula)
        assertArrayEquals(new float[]{2f, 0f, 4f, 4f}, a.grad());
        assertArrayEquals(new float[]{2f, 4f, 0f, 4f}, b.grad());

        Tensor c = Tensor.of(new float[]{1f, 2f, 3f}, 3).requiresGrad(true);
        Tensor d = Tensor.of(new float[]{1f}, 1).requiresGrad(true);
        c.minimum(d).backward(new float[]{2f, 2f, 2f});
        assertArrayEquals(new float[]{1f, 0f, 0f}, c.grad());
        assertArrayEquals(new float[]{1f + 2f + 2f}, d.grad(), "the broadcast side sums its shares");
    }

    // ---- whole tensor ------------------------------------------------------------------------

    @Test
    void wholeTensorMaxAndMinShareTheGradientAmongTies() {
        Tensor x = Tensor.of(new float[]{3f, -1f, 3f, 0f, -1f, 3f, 2f}, 7).requiresGrad(true);
        Tensor max = x.max();
        assertEquals(0, max.dim());
        assertEquals(3f, max.item());
        max.backward(new float[]{6f});
        assertArrayEquals(new float[]{2f, 0f, 2f, 0f, 0f, 2f, 0f}, x.grad());
        x.clearGrad();
        Tensor min = x.min();
        assertEquals(-1f, min.item());
        min.backward(new float[]{1f});
        assertArrayEquals(new float[]{0f, 0.5f, 0f, 0f, 0.5f, 0f, 0f}, x.grad());

        Tensor n = Tensor.of(new float[]{1f, Float.NaN, 5f}, 3).requiresGrad(true);
        Tensor nanMax = n.max();
        assertTrue(Float.isNaN(nanMax.item()));
        nanMax.backward(new float[]{1f});
        assertArrayEquals(new float[]{0f, 1f, 0f}, n.grad());
        assertTrue(Float.isNaN(Tensor.of(new float[]{Float.NaN, -5f}, 2).min().item()));

        Tensor r = rand(3, 3, 17);
        float expectedMax = Float.NEGATIVE_INFINITY;
        for (float v : r.data()) {
            expectedMax = Math.max(expectedMax, v);
        }
        assertEquals(expectedMax, r.max().item());
        GradCheck.check("max all", in -> in.get(0).max(), List.of(distinct(4, 3, 7)));
        GradCheck.check("min all", in -> in.get(0).min(), List.of(distinct(5, 17)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(0, 3).max());
        assertTrue(e.getMessage().contains("[0, 3]"), e.getMessage());
    }

    // ---- along an axis -----------------------------------------------------------------------

    @Test
    void maxAndMinAlongEveryAxisMatchTheReference() {
        int[][] shapes = {{7}, {17, 7}, {3, 1, 17}, {2, 7, 3, 5}};
        long seed = 60;
        for (int[] shape : shapes) {
            for (int axis = -shape.length; axis < shape.length; axis++) {
                for (boolean keepDim : new boolean[]{false, true}) {
                    for (boolean isMax : new boolean[]{true, false}) {
                        Tensor x = rand(++seed, shape);
                        ValuesAndIndices r = isMax ? x.max(axis, keepDim) : x.min(axis, keepDim);
                        checkAgainstReference(x, axis, keepDim, isMax, r);
                    }
                }
            }
        }
    }

    private static void checkAgainstReference(Tensor x, int axis, boolean keepDim, boolean isMax, ValuesAndIndices r) {
        int[] shape = x.shape();
        int a = axis < 0 ? axis + shape.length : axis;
        int[] kept = shape.clone();
        kept[a] = 1;
        String what = (isMax ? "max" : "min") + " " + Shape.str(shape) + " axis " + axis + (keepDim ? " keepDim" : "");
        int[] expectedShape = keepDim ? kept : IntStream.range(0, shape.length).filter(d -> d != a)
                .map(d -> shape[d]).toArray();
        assertArrayEquals(expectedShape, r.values().shape(), what);
        assertArrayEquals(expectedShape, r.indices().shape(), what);
        for (int o = 0; o < Shape.numel(kept); o++) {
            int[] index = Shape.unflatten(o, kept);
            int bestAt = 0;
            float best = Float.NaN;
            for (int j = 0; j < shape[a]; j++) {
                index[a] = j;
                float v = x.data()[Shape.flatIndex(index, shape)];
                if (j == 0 || (isMax ? v > best : v < best)) {
                    best = v;
                    bestAt = j;
                }
            }
            assertEquals(best, r.values().data()[o], what + " at " + o);
            assertEquals(bestAt, r.indices().data()[o], what + " index at " + o);
        }
    }

    @Test
    void tiesGiveTheFirstPositionAndNaNIsPicked() {
        Tensor x = Tensor.of(new float[]{
                1f, 4f, 4f, 0f,
                2f, Float.NaN, 9f, Float.NaN,
                -1f, -1f, -3f, -3f}, 3, 4);
        ValuesAndIndices max = x.max(1, false);
        assertEquals(IndexTensor.vector(1, 1, 0), max.indices());
        assertEquals(4f, max.values().data()[0]);
        assertTrue(Float.isNaN(max.values().data()[1]));
        ValuesAndIndices min = x.min(-1, true);
        assertEquals(IndexTensor.of(new int[]{3, 1, 2}, 3, 1), min.indices());
        assertArrayEquals(new int[]{3, 1}, min.values().shape());
    }

    @Test
    void gradientGoesToTheSelectedPositionOnly() {
        Tensor x = Tensor.of(new float[]{
                5f, 1f, 5f,
                0f, 7f, 2f}, 2, 3).requiresGrad(true);
        ValuesAndIndices r = x.max(0, true);     // per column: rows 0, 1, 0
        assertEquals(IndexTensor.of(new int[]{0, 1, 0}, 1, 3), r.indices());
        r.values().backward(new float[]{10f, 20f, 30f});
        assertArrayEquals(new float[]{10f, 0f, 30f, 0f, 20f, 0f}, x.grad());
        x.clearGrad();
        x.max(1, false).values().backward(new float[]{1f, 2f});   // ties in row 0: the first 5 only
        assertArrayEquals(new float[]{1f, 0f, 0f, 0f, 2f, 0f}, x.grad());

        GradCheck.check("max axis 1", in -> in.get(0).max(1, false).values(), List.of(distinct(1, 3, 7, 2)));
        GradCheck.check("min axis 0 keepDim", in -> in.get(0).min(0, true).values(), List.of(distinct(2, 17, 3)));
        GradCheck.check("max last", in -> in.get(0).max(-1, false).values(), List.of(distinct(3, 2, 17)));
    }

    @Test
    void badAxesAreNamed() {
        IllegalArgumentException out = assertThrows(IllegalArgumentException.class, () -> rand(1, 2, 3).max(2, false));
        assertTrue(out.getMessage().contains("axis 2") && out.getMessage().contains("rank 2"), out.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(3, 0).min(1, false));
        assertTrue(empty.getMessage().contains("[3, 0]") && empty.getMessage().contains("axis 1"), empty.getMessage());
        // an empty axis other than the reduced one gives empty results
        ValuesAndIndices r = Tensor.zeros(0, 4).max(1, false);
        assertArrayEquals(new int[]{0}, r.values().shape());
    }
}
