package io.isthmus.sample;

import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Temperature and top-k sampling. The distribution checks are Pearson chi-square goodness-of-fit
 * tests at significance alpha = 0.001 on 20,000 seeded draws: the statistic
 * sum (observed - expected)^2 / expected must stay below the chi-square critical value for
 * (categories - 1) degrees of freedom. Each is paired with a check that the same draws are
 * rejected against a wrong distribution, so the test has the power to fail.
 */
class SamplingTest {

    private static final int DRAWS = 20_000;
    /** Chi-square critical values at alpha = 0.001 (upper tail), by degrees of freedom. */
    private static final double CRITICAL_DF6 = 22.458;
    private static final double CRITICAL_DF2 = 13.816;

    /** Seven logits: every softmax probability is above 0.009, so every expected count is above 180. */
    private static final float[] LOGITS = {1.0f, 2.0f, 0.5f, -1.0f, 3.0f, 0.0f, 1.5f};

    /** softmax(logits / t) in double, written out independently of Sampling. */
    private static double[] softmax(float[] logits, double t) {
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp(logits[i] / t);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    private static int[] counts(float[] logits, double t, int k, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] counts = new int[logits.length];
        for (int d = 0; d < DRAWS; d++) {
            counts[Sampling.sample(logits, t, k, random)]++;
        }
        return counts;
    }

    /** Pearson's statistic over the categories with p > 0 (a category with p = 0 and a count fails outright). */
    private static double chiSquare(int[] counts, double[] p) {
        double stat = 0;
        int total = 0;
        for (int c : counts) {
            total += c;
        }
        for (int i = 0; i < counts.length; i++) {
            if (p[i] == 0) {
                assertEquals(0, counts[i], "drawn " + counts[i] + " times with probability 0: category " + i);
                continue;
            }
            double expected = total * p[i];
            stat += (counts[i] - expected) * (counts[i] - expected) / expected;
        }
        return stat;
    }

    @Test
    void atTemperatureOneDrawsFollowTheSoftmax() {
        int[] counts = counts(LOGITS, 1.0, Integer.MAX_VALUE, 12345);
        double stat = chiSquare(counts, softmax(LOGITS, 1.0));
        assertTrue(stat < CRITICAL_DF6, "chi-square " + stat + " >= " + CRITICAL_DF6 + " (df 6, alpha 0.001)");
        // power: the same draws against the flatter softmax at temperature 2 are rejected
        double wrong = chiSquare(counts, softmax(LOGITS, 2.0));
        assertTrue(wrong > CRITICAL_DF6, "draws at temperature 1 pass as temperature 2: chi-square " + wrong);
    }

    @Test
    void temperatureScalesTheLogits() {
        int[] hot = counts(LOGITS, 2.0, Integer.MAX_VALUE, 99);
        assertTrue(chiSquare(hot, softmax(LOGITS, 2.0)) < CRITICAL_DF6);
        assertTrue(chiSquare(hot, softmax(LOGITS, 1.0)) > CRITICAL_DF6);
        int[] cold = counts(LOGITS, 0.7, Integer.MAX_VALUE, 7);
        assertTrue(chiSquare(cold, softmax(LOGITS, 0.7)) < CRITICAL_DF6);
        assertArrayEquals(softmax(LOGITS, 0.7), Sampling.probabilities(LOGITS, 0.7, 100), 1e-12);
    }

    @Test
    void nearZeroTemperatureIsTheArgmax() {
        float[] close = {0.3f, 0.5f, 0.5001f, -2f, 0.49f};
        SplittableRandom random = new SplittableRandom(1);
        for (int d = 0; d < 1000; d++) {
            assertEquals(2, Sampling.sample(close, 1e-6, random));
            assertEquals(4, Sampling.sample(LOGITS, 1e-6, random));
        }
        // temperature exactly 0: argmax, the first one on ties, without touching the generator
        assertEquals(1, Sampling.sample(new float[]{0f, 7f, 7f, 1f}, 0, 2, null));
    }

    @Test
    void topKNeverLeavesTheKLargestAndFollowsTheirSoftmax() {
        // the three largest are ids 4 (3.0), 1 (2.0), 6 (1.5)
        int[] counts = counts(LOGITS, 1.0, 3, 2024);
        for (int i : new int[]{0, 2, 3, 5}) {
            assertEquals(0, counts[i], "top-3 drew id " + i);
        }
        double[] p = new double[LOGITS.length];
        double sum = Math.exp(3.0) + Math.exp(2.0) + Math.exp(1.5);
        p[4] = Math.exp(3.0) / sum;
        p[1] = Math.exp(2.0) / sum;
        p[6] = Math.exp(1.5) / sum;
        double stat = chiSquare(counts, p);
        assertTrue(stat < CRITICAL_DF2, "chi-square " + stat + " >= " + CRITICAL_DF2 + " (df 2, alpha 0.001)");
        assertArrayEquals(p, Sampling.probabilities(LOGITS, 1.0, 3), 1e-12);

        // k = 1 is the argmax at any temperature; ties at the k-th value keep the lower id
        SplittableRandom random = new SplittableRandom(5);
        float[] tied = {1f, 4f, 2f, 2f, 2f};
        for (int d = 0; d < 2000; d++) {
            assertEquals(4, Sampling.sample(LOGITS, 5.0, 1, random));
            int id = Sampling.sample(tied, 10.0, 2, random);
            assertTrue(id == 1 || id == 2, "top-2 of " + java.util.Arrays.toString(tied) + " drew " + id);
        }
    }

    @Test
    void maskedLogitsAreNeverDrawnAndSeedsRepeat() {
        float[] masked = {0f, Float.NEGATIVE_INFINITY, 0f, Float.NEGATIVE_INFINITY};
        Random a = new Random(3);
        Random b = new Random(3);
        for (int d = 0; d < 2000; d++) {
            int id = Sampling.sample(masked, 1.0, a);
            assertTrue(id == 0 || id == 2, "drew masked id " + id);
            assertEquals(id, Sampling.sample(masked, 1.0, b), "same seed, same draws");
        }
        assertEquals(2, Sampling.sample(Tensor.of(new float[]{1f, 2f, 9f}, 1, 3), 0, 5, null));
    }

    @Test
    void badArgumentsAreRejectedWithTheValues() {
        SplittableRandom r = new SplittableRandom(0);
        var e = assertThrows(IllegalArgumentException.class, () -> Sampling.sample(LOGITS, -0.5, r));
        assertTrue(e.getMessage().contains("temperature") && e.getMessage().contains("-0.5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Sampling.sample(LOGITS, Double.NaN, r));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Sampling.sample(LOGITS, 1.0, 0, r));
        assertTrue(e.getMessage().contains("top-k") && e.getMessage().contains("0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Sampling.sample(new float[]{1f, Float.NaN, 2f}, 1.0, r));
        assertTrue(e.getMessage().contains("logit 1 of 3 is NaN"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Sampling.sample(new float[]{Float.POSITIVE_INFINITY, 2f}, 1.0, r));
        assertTrue(e.getMessage().contains("logit 0 of 2 is Infinity"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Sampling.sample(new float[]{Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}, 1.0, r));
        assertTrue(e.getMessage().contains("all 2 logits are -Infinity"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Sampling.sample(new float[0], 1.0, r));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Sampling.sample(Tensor.zeros(2, 3), 1.0, 1, r));
        assertTrue(e.getMessage().contains("[2, 3]"), e.getMessage());
    }
}
