package io.isthmus.nn;

import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Dropout2d: whole channels zeroed, the rest scaled, seeded and resumable like Dropout. */
class Dropout2dTest {

    @Test
    void zeroesWholeChannelsAndScalesTheOthers() {
        Dropout2d dropout = new Dropout2d(0.4f, 1);
        int n = 50;
        int c = 40;
        int plane = 3 * 5;
        Tensor x = Tensor.uniform(new java.util.SplittableRandom(2), 1f, 2f, n, c, 3, 5);
        Tensor y = dropout.forward(x);
        int dropped = 0;
        for (int ch = 0; ch < n * c; ch++) {
            boolean zero = y.data()[ch * plane] == 0f;
            dropped += zero ? 1 : 0;
            for (int i = 0; i < plane; i++) {
                int at = ch * plane + i;
                float expected = zero ? 0f : x.data()[at] / 0.6f;
                assertEquals(expected, y.data()[at], 1e-6f, "channel " + ch + " element " + i + ": all or nothing");
            }
        }
        assertEquals(0.4, dropped / (double) (n * c), 0.04, "about p of the channels are dropped");
    }

    @Test
    void gradientIsTheChannelMask() {
        Dropout2d dropout = new Dropout2d(0.5f, 3);
        Tensor x = Tensor.ones(4, 6, 2, 2).requiresGrad(true);
        Tensor y = dropout.forward(x);
        y.sum().backward();
        assertArrayEquals(y.data(), x.grad());
        float[] g = x.grad();
        boolean someKept = false;
        boolean someDropped = false;
        for (int ch = 0; ch < 24; ch++) {
            someKept |= g[ch * 4] == 2f;
            someDropped |= g[ch * 4] == 0f;
        }
        assertTrue(someKept && someDropped, "24 channels at p = 0.5 keep some and drop some");
    }

    @Test
    void evalIsTheIdentityAndUnbatchedInputDropsChannels() {
        Dropout2d dropout = new Dropout2d(0.5f, 4);
        Tensor x = Tensor.ones(8, 3, 3);
        float[] y = dropout.forward(x).data();
        for (int ch = 0; ch < 8; ch++) {
            for (int i = 1; i < 9; i++) {
                assertEquals(y[ch * 9], y[ch * 9 + i], "unbatched [C, H, W]: channel " + ch + " whole");
            }
        }
        dropout.eval();
        assertArrayEquals(x.data(), dropout.forward(x).data());
        assertArrayEquals(new long[]{4, 1}, dropout.randomState(), "eval draws nothing");
    }

    @Test
    void sameSeedSameMasksAndTheStreamResumes() {
        Tensor x = Tensor.ones(2, 16, 2, 2);
        Dropout2d a = new Dropout2d(0.5f, 5);
        float[] first = a.forward(x).data();
        long[] saved = a.randomState();
        float[] second = a.forward(x).data();
        assertFalse(Arrays.equals(first, second), "each call draws new masks");
        Dropout2d b = new Dropout2d(0.5f, 77);
        b.setRandomState(saved);
        assertArrayEquals(second, b.forward(x).data());
        assertArrayEquals(first, new Dropout2d(0.5f, 5).forward(x).data());
    }

    @Test
    void rejectsOtherRanks() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Dropout2d(0.5f, 6).forward(Tensor.ones(4, 3)));
        assertTrue(e.getMessage().contains("Dropout2d") && e.getMessage().contains("[4, 3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Dropout2d(1f));
    }
}
