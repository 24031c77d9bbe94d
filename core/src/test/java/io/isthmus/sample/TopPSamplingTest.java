package io.isthmus.sample;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Top-p (nucleus) sampling: p = 1 is plain sampling, a tiny p the argmax, and the kept nucleus's frequencies. */
class TopPSamplingTest {

    private static float[] logitsOf(double... p) {
        float[] l = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            l[i] = (float) Math.log(p[i]);
        }
        return l;
    }

    @Test
    void topPOneIsPlainSampling() {
        float[] logits = logitsOf(0.1, 0.4, 0.2, 0.3);
        SplittableRandom a = new SplittableRandom(7);
        SplittableRandom b = new SplittableRandom(7);
        for (int i = 0; i < 200; i++) {
            assertEquals(Sampling.sample(logits, 1.0, Integer.MAX_VALUE, b),
                    Sampling.sample(logits, 1.0, Integer.MAX_VALUE, 1.0, a));
        }
    }

    @Test
    void tinyPIsArgmax() {
        float[] logits = logitsOf(0.1, 0.2, 0.4, 0.3);
        SplittableRandom r = new SplittableRandom(8);
        for (int i = 0; i < 200; i++) {
            assertEquals(2, Sampling.sample(logits, 1.0, Integer.MAX_VALUE, 1e-6, r));
        }
        assertThrows(IllegalArgumentException.class, () -> Sampling.sample(logits, 1.0, 4, 0.0, r));
        assertThrows(IllegalArgumentException.class, () -> Sampling.sample(logits, 1.0, 4, 1.5, r));
    }

    /**
     * Distribution {0.5, 0.3, 0.15, 0.05}, top-p 0.75: the nucleus is tokens 0 and 1 (0.5 < 0.75 <=
     * 0.8), renormalized to 0.625 / 0.375. With n = 40000 draws the standard error of a frequency
     * is sqrt(0.625 * 0.375 / n) = 0.0024; we allow 5 of them (0.012), a false failure has odds
     * below 1e-6. Tokens 2 and 3 must never be drawn.
     */
    @Test
    void nucleusFrequencies() {
        float[] logits = logitsOf(0.5, 0.3, 0.15, 0.05);
        assertArrayEquals(new double[]{0.625, 0.375, 0, 0}, Sampling.probabilities(logits, 1.0, 4, 0.75), 1e-6);
        SplittableRandom r = new SplittableRandom(9);
        int n = 40000;
        int[] counts = new int[4];
        for (int i = 0; i < n; i++) {
            counts[Sampling.sample(logits, 1.0, Integer.MAX_VALUE, 0.75, r)]++;
        }
        assertEquals(0.625, counts[0] / (double) n, 0.012);
        assertEquals(0.375, counts[1] / (double) n, 0.012);
        assertEquals(0, counts[2] + counts[3]);
    }
}
