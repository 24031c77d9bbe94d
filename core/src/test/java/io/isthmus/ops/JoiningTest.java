package io.isthmus.ops;

import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** stack, split, chunk, narrow and expand against element-by-element loops written here. */
class JoiningTest {

    private static Tensor rand(long seed, int... shape) {
        return Tensor.uniform(new SplittableRandom(seed), -1f, 1f, shape);
    }

    private static void assertMessage(Runnable call, String... parts) {
        Throwable e = assertThrows(IllegalArgumentException.class, call::run);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), () -> "'" + e.getMessage() + "' does not mention '" + part + "'");
        }
    }

    @Test
    void stackPutsEachTensorAtItsPositionOnTheNewAxis() {
        int[] shape = {7, 1, 3};
        Tensor[] parts = {rand(1, shape), rand(2, shape), rand(3, shape), rand(4, shape), rand(5, shape)};
        for (int axis = -4; axis <= 3; axis++) {
            Tensor out = Joining.stack(axis, parts);
            int a = axis < 0 ? axis + 4 : axis;
            int[] expectedShape = new int[4];
            for (int d = 0, s = 0; d < 4; d++) {
                expectedShape[d] = d == a ? parts.length : shape[s++];
            }
            assertArrayEquals(expectedShape, out.shape(), "axis " + axis);
            for (int i = 0; i < out.numel(); i++) {
                int[] at = Shape.unflatten(i, expectedShape);
                int[] inner = new int[3];
                for (int d = 0, s = 0; d < 4; d++) {
                    if (d != a) {
                        inner[s++] = at[d];
                    }
                }
                assertEquals(parts[at[a]].get(inner), out.data()[i], "axis " + axis + " element " + i);
            }
        }
        assertMessage(() -> Joining.stack(0, rand(1, 2, 3), rand(2, 3, 2)), "tensor 1", "[3, 2]", "[2, 3]");
        assertMessage(() -> Joining.stack(4, parts), "axis 4");
        assertMessage(() -> Joining.stack(0), "no tensors");
    }

    @Test
    void splitAndChunkCutConsecutivePartsThatConcatBack() {
        Tensor x = rand(6, 3, 17, 2);
        Tensor[] parts = Joining.split(x, 1, 1, 7, 0, 9);
        assertEquals(4, parts.length);
        int[] sizes = {1, 7, 0, 9};
        for (int p = 0; p < 4; p++) {
            assertArrayEquals(new int[]{3, sizes[p], 2}, parts[p].shape());
        }
        assertArrayEquals(x.data(), ShapeOps.concat(1, parts).data());
        assertEquals(x.get(2, 8, 1), parts[3].get(2, 0, 1));

        assertChunkSizes(new int[]{2, 2, 2}, Joining.chunk(Tensor.zeros(6), 4, 0));
        assertChunkSizes(new int[]{3, 3, 1}, Joining.chunk(Tensor.zeros(7), 3, 0));
        assertChunkSizes(new int[]{1, 1}, Joining.chunk(Tensor.zeros(2), 5, -1));
        assertChunkSizes(new int[]{0}, Joining.chunk(Tensor.zeros(0), 3, 0));
        assertChunkSizes(new int[]{5, 5, 5, 2}, Joining.splitEvery(Tensor.zeros(17), 0, 5));
        Tensor[] chunks = x.chunk(3, 0);
        assertArrayEquals(x.data(), ShapeOps.concat(0, chunks).data());

        assertMessage(() -> Joining.split(x, 1, 8, 8), "[8, 8]", "16", "17", "splitEvery or chunk");
        assertMessage(() -> Joining.split(x, 1, 18, -1), "negative");
        assertMessage(() -> Joining.chunk(x, 0, 1), "positive", "0");
        assertMessage(() -> Joining.splitEvery(x, 1, 0), "positive");
        assertMessage(() -> x.split(3, 1), "axis 3", "rank 3");
    }

    private static void assertChunkSizes(int[] expected, Tensor[] chunks) {
        int[] sizes = new int[chunks.length];
        for (int i = 0; i < chunks.length; i++) {
            sizes[i] = chunks[i].size(0);
        }
        assertArrayEquals(expected, sizes);
    }

    @Test
    void splitIsOneNodeAndUnusedPartsGetZeroGradient() {
        Tensor x = rand(7, 2, 7).requiresGrad(true);
        Tensor[] parts = Joining.split(x, 1, 2, 3, 2);
        assertSame(parts[0].node(), parts[2].node());
        assertEquals(1, parts[2].outputIndex() - parts[1].outputIndex());
        // only the last part is used
        parts[2].mul(3f).sum().backward();
        float[] expected = new float[14];
        for (int r = 0; r < 2; r++) {
            expected[r * 7 + 5] = 3;
            expected[r * 7 + 6] = 3;
        }
        assertArrayEquals(expected, x.grad());
    }

    @Test
    void narrowTakesARangeAndCountsNegativeStartsFromTheEnd() {
        Tensor x = rand(8, 7, 17);
        Tensor n = Views.narrow(x, 1, -5, 3);
        assertArrayEquals(new int[]{7, 3}, n.shape());
        for (int r = 0; r < 7; r++) {
            for (int c = 0; c < 3; c++) {
                assertEquals(x.get(r, 12 + c), n.get(r, c));
            }
        }
        assertArrayEquals(new int[]{0, 17}, x.narrow(0, 7, 0).shape());
        assertMessage(() -> Views.narrow(x, 0, 5, 3), "start 5", "length 3", "size 7");
        assertMessage(() -> Views.narrow(x, 0, -8, 1), "start -8", "size 7");
        assertMessage(() -> Views.narrow(x, 0, 0, -1), "length -1");
    }

    @Test
    void expandRepeatsSizeOneAxesAndAddsLeadingOnes() {
        Tensor x = rand(9, 3, 1, 5);
        Tensor e = Views.expand(x, 2, -1, 7, 5);
        assertArrayEquals(new int[]{2, 3, 7, 5}, e.shape());
        for (int i = 0; i < e.numel(); i++) {
            int[] at = Shape.unflatten(i, e.shape());
            assertEquals(x.get(at[1], 0, at[3]), e.data()[i]);
        }
        assertArrayEquals(x.shape(), x.expand(3, 1, 5).shape());
        assertMessage(() -> Views.expand(x, 4, 7, 5), "axis 0", "size 3", "4");
        assertMessage(() -> Views.expand(x, 1, 5), "fewer dimensions");
        assertMessage(() -> Views.expand(x, -1, 3, 1, 5), "-1", "new leading axis 0");
    }

    @Test
    void gradientsByFiniteDifferences() {
        GradCheck.check("stack", in -> Joining.stack(1, in.get(0), in.get(1), in.get(0)),
                List.of(rand(1, 3, 2), rand(2, 3, 2)));
        GradCheck.check("split, parts reused", in -> {
            Tensor[] parts = Joining.split(in.get(0), 0, 1, 3, 3);
            return parts[2].mul(parts[1]).add(parts[2]);
        }, List.of(rand(3, 7, 2)));
        GradCheck.check("chunk, one part", in -> in.get(0).chunk(3, -1)[1], List.of(rand(4, 2, 7)));
        GradCheck.check("narrow", in -> Views.narrow(in.get(0), 0, 1, 5), List.of(rand(5, 7, 3)));
        GradCheck.check("expand", in -> Views.expand(in.get(0), 2, 3, 7, 4), List.of(rand(6, 3, 1, 4)));
    }
}
