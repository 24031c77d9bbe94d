package io.isthmus.tensor;

import io.isthmus.ops.Activations;
import io.isthmus.ops.Linear;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Recycled gradient arrays: reused by length, never while reachable, never changing a result. */
class GradArraysTest {

    @Test
    void aFreedArrayIsTakenAgainByLengthOnly() {
        float[] big = new float[4096];
        GradArrays.give(big);
        assertNotSame(big, GradArrays.take(4095), "another length gets a new array");
        assertSame(big, GradArrays.take(4096));
        assertNotSame(big, GradArrays.take(4096), "taken once, it is gone from the pool");
        float[] small = new float[16];
        GradArrays.give(small);
        assertNotSame(small, GradArrays.take(16), "short arrays are not kept");
    }

    /** A thread keeps at most 64 MB: giving more drops the oldest arrays first. */
    @Test
    void aThreadKeepsAtMost64Megabytes() {
        float[] older = new float[6 << 20];
        float[] newer = new float[10 << 20];
        float[] newest = new float[4 << 20];
        GradArrays.give(older);
        GradArrays.give(newer);
        GradArrays.give(newest); // 20 Mi floats in all: over the 16 Mi cap, so the oldest goes
        assertNotSame(older, GradArrays.take(6 << 20));
        assertSame(newer, GradArrays.take(10 << 20));
        assertSame(newest, GradArrays.take(4 << 20));
        float[] huge = new float[(16 << 20) + 1];
        GradArrays.give(huge);
        assertNotSame(huge, GradArrays.take(huge.length), "an array over the cap is not kept");
    }

    /**
     * Two layers with intermediates of 40 x 64 = 2560 floats: every backward pass after the first
     * writes into arrays the previous one freed (stale values in them), and must still give the
     * first pass's gradients, bit for bit; the intermediates keep no gradient afterwards.
     */
    @Test
    void backwardPassesOnRecycledArraysGiveTheSameGradients() {
        SplittableRandom random = new SplittableRandom(11);
        Tensor x = random(random, 40, 30);
        Tensor w1 = random(random, 64, 30).requiresGrad(true);
        Tensor w2 = random(random, 8, 64).requiresGrad(true);
        float[][] first = null;
        for (int pass = 0; pass < 4; pass++) {
            w1.clearGrad();
            w2.clearGrad();
            Tensor hidden = Activations.relu(Linear.linear(x, w1, null));
            Tensor out = Linear.linear(hidden, w2, null);
            out.sum().backward();
            assertNull(hidden.grad(), "an intermediate keeps no gradient");
            float[][] grads = {w1.grad().clone(), w2.grad().clone()};
            if (first == null) {
                first = grads;
            } else {
                assertArrayEquals(first[0], grads[0], "first layer, pass " + pass);
                assertArrayEquals(first[1], grads[1], "second layer, pass " + pass);
            }
        }
    }

    private static Tensor random(SplittableRandom random, int rows, int cols) {
        float[] values = new float[rows * cols];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return Tensor.of(values, rows, cols);
    }
}
