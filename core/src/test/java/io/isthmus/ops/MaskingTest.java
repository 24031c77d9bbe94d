package io.isthmus.ops;

import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static io.isthmus.ops.Naive.rand;
import static io.isthmus.ops.Naive.source;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MaskingTest {

    /** Random 0/1 (and some other nonzero values, which also mean true) of a shape. */
    private static IndexTensor mask(long seed, int... shape) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] data = new int[Shape.numel(shape)];
        for (int i = 0; i < data.length; i++) {
            int r = random.nextInt(5);
            data[i] = r < 2 ? 0 : r == 4 ? -3 : 1;
        }
        return IndexTensor.of(data, shape);
    }

    // ---- where -------------------------------------------------------------------------------

    @Test
    void whereBroadcastsAllThreeLikeTheReference() {
        int[][][] triples = {
                {{17}, {17}, {17}},
                {{3, 7}, {7}, {3, 1}},
                {{7, 7}, {2, 3, 7, 7}, {1}},
                {{2, 1, 1, 7}, {2, 3, 7, 7}, {}},
                {{1, 17, 1}, {2, 1, 3}, {2, 17, 1}}};
        long seed = 20;
        for (int[][] t : triples) {
            IndexTensor c = mask(++seed, t[0]);
            Tensor a = rand(++seed, t[1]);
            Tensor b = rand(++seed, t[2]);
            int[] out = Shape.broadcast(Shape.broadcast(t[0], t[1]), t[2]);
            Tensor y = Masking.where(c, a, b);
            assertArrayEquals(out, y.shape());
            for (int i = 0; i < y.numel(); i++) {
                boolean chosen = c.data()[source(t[0], out, i)] != 0;
                float expected = chosen ? a.data()[source(t[1], out, i)] : b.data()[source(t[2], out, i)];
                assertEquals(expected, y.data()[i], Shape.str(out) + " element " + i);
            }
            GradCheck.check("where " + Shape.str(out), in -> Masking.where(c, in.get(0), in.get(1)),
                    List.of(rand(++seed, t[1]), rand(++seed, t[2])));
        }
        Tensor x = Tensor.of(new float[]{1f, 2f, 3f}, 3);
        assertArrayEquals(new float[]{1f, 0f, 3f}, x.where(IndexTensor.vector(1, 0, 7), Tensor.zeros(1)).data());
    }

    @Test
    void whereNamesAllThreeShapesWhenTheyDoNotBroadcast() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Masking.where(mask(1, 2, 3), rand(2, 3), rand(3, 4, 1)));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[3]") && e.getMessage().contains("[4, 1]"),
                e.getMessage());
    }

    // ---- maskedFill --------------------------------------------------------------------------

    @Test
    void maskedFillWithAttentionMasksMatchesTheReference() {
        int b = 2;
        int h = 3;
        int t = 7;
        int[] scores = {b, h, t, t};
        int[][] maskShapes = {{t, t}, {b, 1, 1, t}, {b, 1, t, t}, {1}, {}, scores};
        long seed = 30;
        for (int[] maskShape : maskShapes) {
            IndexTensor m = mask(++seed, maskShape);
            Tensor x = rand(++seed, scores).requiresGrad(true);
            Tensor y = x.maskedFill(m, -5f);
            assertArrayEquals(scores, y.shape());
            float[] upstream = rand(++seed, scores).data();
            y.backward(upstream);
            for (int i = 0; i < y.numel(); i++) {
                boolean filled = m.data()[source(maskShape, scores, i)] != 0;
                assertEquals(filled ? -5f : x.data()[i], y.data()[i], Shape.str(maskShape) + " element " + i);
                assertEquals(filled ? 0f : upstream[i], x.grad()[i], Shape.str(maskShape) + " gradient " + i);
            }
            GradCheck.check("maskedFill " + Shape.str(maskShape), in -> in.get(0).maskedFill(m, 2f),
                    List.of(rand(++seed, scores)));
        }
    }

    @Test
    void maskedFillNamesBothShapesWhenTheMaskDoesNotFit() {
        // a mask that broadcasts with x but only to a bigger shape is rejected too
        int[][] bad = {{2, 7}, {3, 1, 7, 7}, {1, 2, 3, 7, 7}};
        for (int[] maskShape : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> rand(1, 2, 3, 7, 7).maskedFill(IndexTensor.zeros(maskShape), 0f));
            assertTrue(e.getMessage().contains(Shape.str(maskShape)) && e.getMessage().contains("[2, 3, 7, 7]"),
                    e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> rand(1, 7).maskedFill(IndexTensor.zeros(7, 7), 0f));
    }

    // ---- triangles ---------------------------------------------------------------------------

    @Test
    void trilAndTriuKeepTheTriangleOfTheLastTwoAxes() {
        int[][] shapes = {{1, 1}, {7, 7}, {3, 17}, {17, 3}, {2, 3, 5, 4}, {0, 4}};
        long seed = 50;
        for (int[] shape : shapes) {
            int rows = shape[shape.length - 2];
            int cols = shape[shape.length - 1];
            for (int diagonal = -3; diagonal <= 4; diagonal++) {
                Tensor x = rand(++seed, shape);
                Tensor lower = x.tril(diagonal);
                Tensor upper = x.triu(diagonal);
                for (int k = 0; k < x.numel(); k++) {
                    int i = k / cols % rows;
                    int j = k % cols;
                    String at = Shape.str(shape) + " diagonal " + diagonal + " element " + k;
                    assertEquals(j - i <= diagonal ? x.data()[k] : 0f, lower.data()[k], "tril " + at);
                    assertEquals(j - i >= diagonal ? x.data()[k] : 0f, upper.data()[k], "triu " + at);
                }
                if (rows > 0 && diagonal % 2 == 0) {
                    int d = diagonal;
                    GradCheck.check("tril " + d, in -> in.get(0).tril(d), List.of(rand(++seed, shape)));
                    GradCheck.check("triu " + d, in -> in.get(0).triu(d), List.of(rand(++seed, shape)));
                }
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> rand(1, 7).tril(0));
        assertTrue(e.getMessage().contains("[7]") && e.getMessage().contains("rank"), e.getMessage());
        assertArrayEquals(new float[]{0f, 0f}, Tensor.ones(1, 2).triu(Integer.MAX_VALUE).data(), "no overflow");
        assertArrayEquals(new float[]{1f, 1f}, Tensor.ones(1, 2).tril(Integer.MAX_VALUE).data(), "no overflow");
    }

    @Test
    void maskFactoriesFollowPyTorchsTriangles() {
        for (int[] size : new int[][]{{1, 1}, {7, 7}, {3, 17}, {17, 3}}) {
            for (int diagonal = -2; diagonal <= 2; diagonal++) {
                IndexTensor lower = Masks.tril(size[0], size[1], diagonal);
                IndexTensor upper = Masks.triu(size[0], size[1], diagonal);
                assertArrayEquals(size, lower.shape());
                for (int i = 0; i < size[0]; i++) {
                    for (int j = 0; j < size[1]; j++) {
                        assertEquals(j - i <= diagonal ? 1 : 0, lower.get(i, j));
                        assertEquals(j - i >= diagonal ? 1 : 0, upper.get(i, j));
                    }
                }
            }
        }
        assertEquals(IndexTensor.of(new int[]{0, 1, 1, 0, 0, 1, 0, 0, 0}, 3, 3), Masks.causal(3));
        assertEquals(IndexTensor.of(new int[]{1, 0, 0, 1, 1, 0, 1, 1, 1}, 3, 3), Masks.not(Masks.causal(3)));
        assertEquals(Masks.tril(7, 7, 0), Masks.not(Masks.causal(7)));
    }

    @Test
    void causalMaskBeforeSoftmaxAttendsToThePastOnly() {
        int t = 7;
        Tensor scores = rand(9, 2, 3, t, t).requiresGrad(true);
        Tensor weights = scores.maskedFill(Masks.causal(t), Float.NEGATIVE_INFINITY).softmax(-1);
        float[] w = weights.data();
        for (int row = 0; row < 2 * 3 * t; row++) {
            int i = row % t;
            double sum = 0;
            for (int j = 0; j < t; j++) {
                float v = w[row * t + j];
                sum += v;
                assertTrue(j > i ? v == 0f : v > 0f, "row " + row + " key " + j + ": " + v);
            }
            assertEquals(1.0, sum, 1e-5);
        }
        weights.backward(rand(10, 2, 3, t, t).data());
        for (int k = 0; k < scores.numel(); k++) {
            if (k % t > k / t % t) {
                assertEquals(0f, scores.grad()[k], "no gradient into a hidden score");
            }
        }
    }
}
