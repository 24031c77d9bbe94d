package io.isthmus.ops;

import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Splitting a fused projection into heads and merging heads back, against index arithmetic written out. */
class AttentionHeadsTest {

    private static Tensor random(long seed, int... shape) {
        return Tensor.uniform(new SplittableRandom(seed), -1, 1, shape);
    }

    @Test
    void splitTakesEachPartsHeadColumnsForEveryToken() {
        int[][] sizes = {{1, 1, 3, 1, 1}, {2, 7, 3, 2, 5}, {3, 17, 1, 4, 3}, {1, 33, 2, 1, 8}};
        for (int[] size : sizes) {
            int batch = size[0], steps = size[1], parts = size[2], heads = size[3], d = size[4];
            int width = parts * heads * d;
            Tensor x = random(batch * 31L + steps, batch, steps, width);
            Tensor[] split = AttentionHeads.split(x, parts, heads);
            assertEquals(parts, split.length);
            for (int p = 0; p < parts; p++) {
                assertArrayEquals(new int[]{batch, heads, steps, d}, split[p].shape());
                for (int b = 0; b < batch; b++) {
                    for (int j = 0; j < heads; j++) {
                        for (int t = 0; t < steps; t++) {
                            for (int c = 0; c < d; c++) {
                                assertEquals(x.get(b, t, p * heads * d + j * d + c), split[p].get(b, j, t, c),
                                        "part " + p + " b " + b + " head " + j + " t " + t + " c " + c);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void mergeIsTheInverseOfASplitIntoOnePart() {
        int[][] sizes = {{1, 1, 1, 1}, {2, 3, 7, 5}, {1, 4, 33, 8}};
        for (int[] size : sizes) {
            Tensor x = random(size[2], size);
            Tensor merged = AttentionHeads.merge(x);
            assertArrayEquals(new int[]{size[0], size[2], size[1] * size[3]}, merged.shape());
            for (int b = 0; b < size[0]; b++) {
                for (int j = 0; j < size[1]; j++) {
                    for (int t = 0; t < size[2]; t++) {
                        for (int c = 0; c < size[3]; c++) {
                            assertEquals(x.get(b, j, t, c), merged.get(b, t, j * size[3] + c));
                        }
                    }
                }
            }
            assertArrayEquals(x.data(), AttentionHeads.split(merged, 1, size[1])[0].data());
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        Tensor x = random(5, 2, 7, 3 * 2 * 3);
        // Weights per part so that each part's gradient differs; part 1 unused to check its columns get zeros.
        GradCheck.check("split_heads", in -> {
            Tensor[] qkv = AttentionHeads.split(in.get(0), 3, 2);
            return qkv[0].mul(2f).add(qkv[2].mul(qkv[2]));
        }, List.of(x));
        Tensor y = random(6, 2, 3, 7, 5);
        GradCheck.check("merge_heads", in -> AttentionHeads.merge(in.get(0)).mul(in.get(0).sum()), List.of(y));
        Tensor unused = random(7, 1, 2, 2 * 4).requiresGrad(true);
        AttentionHeads.split(unused, 2, 2)[0].sum().backward();
        float[] g = unused.grad();
        for (int t = 0; t < 2; t++) {
            for (int c = 0; c < 8; c++) {
                assertEquals(c < 4 ? 1f : 0f, g[t * 8 + c], "token " + t + " column " + c);
            }
        }
    }

    @Test
    void badShapesAreRefusedWithTheShape() {
        IllegalArgumentException notDivisible = assertThrows(IllegalArgumentException.class,
                () -> AttentionHeads.split(Tensor.zeros(2, 3, 10), 3, 2));
        assertTrue(notDivisible.getMessage().contains("[2, 3, 10]") && notDivisible.getMessage().contains("3 parts"),
                notDivisible.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AttentionHeads.split(Tensor.zeros(6, 4), 1, 2));
        assertThrows(IllegalArgumentException.class, () -> AttentionHeads.split(Tensor.zeros(1, 2, 4), 0, 2));
        IllegalArgumentException merge = assertThrows(IllegalArgumentException.class,
                () -> AttentionHeads.merge(Tensor.zeros(2, 3, 4)));
        assertTrue(merge.getMessage().contains("[2, 3, 4]"), merge.getMessage());
    }
}
