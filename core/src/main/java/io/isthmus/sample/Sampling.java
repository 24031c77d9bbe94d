package io.isthmus.sample;

import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Picks a token id from a row of logits, for generating text: the softmax of
 * {@code logits / temperature}, optionally restricted to the k largest logits, sampled once.
 *
 * <ul>
 * <li>temperature 0 returns the argmax (the first one on ties); a small positive temperature
 *     approaches it, 1 samples the model's own distribution, above 1 flattens it;</li>
 * <li>top-k keeps the k largest logits (ties at the k-th value broken by lower id); k at least
 *     the vocabulary size keeps them all;</li>
 * <li>a logit of -infinity has probability 0 (a masked token); NaN or +infinity is rejected, as
 *     is a row with no finite logit.</li>
 * </ul>
 * Probabilities are computed in double, relative to the largest kept logit, so no temperature
 * overflows.
 */
public final class Sampling {

    private Sampling() {
    }

    /** {@link #sample(float[], double, int, RandomGenerator)} without a top-k restriction. */
    public static int sample(float[] logits, double temperature, RandomGenerator random) {
        return sample(logits, temperature, Integer.MAX_VALUE, random);
    }

    /**
     * A token id drawn from {@code logits} [V].
     *
     * @param temperature &gt;= 0; 0 means argmax
     * @param topK        &gt;= 1: only the k largest logits can be drawn
     * @param random      the source of randomness (a seeded {@link java.util.SplittableRandom} or
     *                    {@link java.util.Random} makes generation repeatable); unused at temperature 0
     */
    public static int sample(float[] logits, double temperature, int topK, RandomGenerator random) {
        check(logits, temperature, topK);
        int[] kept = topK >= logits.length ? null : largest(logits, topK);
        int count = kept == null ? logits.length : kept.length;
        int best = -1;
        for (int j = 0; j < count; j++) {
            int i = kept == null ? j : kept[j];
            if (best < 0 || logits[i] > logits[best] || (logits[i] == logits[best] && i < best)) {
                best = i;
            }
        }
        if (temperature == 0) {
            return best;
        }
        double max = logits[best];
        double[] weights = new double[count];
        double sum = 0;
        for (int j = 0; j < count; j++) {
            int i = kept == null ? j : kept[j];
            // exp(-inf) = 0: masked tokens are never drawn
            weights[j] = Math.exp((logits[i] - max) / temperature);
            sum += weights[j];
        }
        double u = random.nextDouble() * sum;
        double cumulative = 0;
        int last = -1;
        for (int j = 0; j < count; j++) {
            if (weights[j] == 0) {
                continue;
            }
            last = j;
            cumulative += weights[j];
            if (u < cumulative) {
                break;
            }
        }
        // rounding can leave u just above the final cumulative sum: the last drawable token takes it
        return kept == null ? last : kept[last];
    }

    /**
     * A token id drawn from a logits tensor [V] (or the one row of [1, V]); see
     * {@link #sample(float[], double, int, RandomGenerator)}.
     */
    public static int sample(Tensor logits, double temperature, int topK, RandomGenerator random) {
        int[] shape = logits.shape();
        if (!(shape.length == 1 || (shape.length == 2 && shape[0] == 1))) {
            throw new IllegalArgumentException("sample: logits must be [V] or [1, V], got " + Shape.str(shape)
                    + " (take the row of the last time step first)");
        }
        return sample(logits.data(), temperature, topK, random);
    }

    /** The probabilities {@link #sample} draws from: softmax(logits / temperature) over the top k, 0 elsewhere. */
    public static double[] probabilities(float[] logits, double temperature, int topK) {
        check(logits, temperature, topK);
        if (temperature == 0) {
            throw new IllegalArgumentException("temperature 0 is a deterministic argmax, not a distribution");
        }
        int[] kept = topK >= logits.length ? null : largest(logits, topK);
        boolean[] in = new boolean[logits.length];
        if (kept == null) {
            Arrays.fill(in, true);
        } else {
            for (int i : kept) {
                in[i] = true;
            }
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < logits.length; i++) {
            if (in[i]) {
                max = Math.max(max, logits[i]);
            }
        }
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            if (in[i]) {
                p[i] = Math.exp((logits[i] - max) / temperature);
                sum += p[i];
            }
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /**
     * A token id drawn with top-k and then top-p (nucleus) filtering: of the softmax over the top
     * k, keep the most probable tokens (ties by lower id) until their probability reaches
     * {@code topP} (always at least the first), renormalize, and draw. topP 1 is
     * {@link #sample(float[], double, int, RandomGenerator)} exactly (the same draws); temperature 0
     * is the argmax.
     *
     * @param topP in (0, 1]
     */
    public static int sample(float[] logits, double temperature, int topK, double topP, RandomGenerator random) {
        checkTopP(topP);
        if (topP >= 1 || temperature == 0) {
            return sample(logits, temperature, topK, random);
        }
        double[] p = probabilities(logits, temperature, topK, topP);
        double u = random.nextDouble();
        double cumulative = 0;
        int last = -1;
        for (int i = 0; i < p.length; i++) {
            if (p[i] == 0) {
                continue;
            }
            last = i;
            cumulative += p[i];
            if (u < cumulative) {
                break;
            }
        }
        return last;
    }

    /** The probabilities the top-p {@link #sample(float[], double, int, double, RandomGenerator)} draws from. */
    public static double[] probabilities(float[] logits, double temperature, int topK, double topP) {
        checkTopP(topP);
        double[] p = probabilities(logits, temperature, topK);
        if (topP >= 1) {
            return p;
        }
        Integer[] order = new Integer[p.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> p[a] != p[b] ? Double.compare(p[b], p[a]) : Integer.compare(a, b));
        double[] kept = new double[p.length];
        double cumulative = 0;
        for (int j = 0; j < order.length && cumulative < topP; j++) {
            kept[order[j]] = p[order[j]];
            cumulative += p[order[j]];
        }
        for (int i = 0; i < kept.length; i++) {
            kept[i] /= cumulative;
        }
        return kept;
    }

    private static void checkTopP(double topP) {
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("sample: top-p must be in (0, 1], got " + topP);
        }
    }

    private static void check(float[] logits, double temperature, int topK) {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("sample: temperature must be a finite number >= 0, got " + temperature);
        }
        if (topK < 1) {
            throw new IllegalArgumentException("sample: top-k must be >= 1, got " + topK);
        }
        if (logits.length == 0) {
            throw new IllegalArgumentException("sample: the logits row is empty");
        }
        boolean finite = false;
        for (int i = 0; i < logits.length; i++) {
            float v = logits[i];
            if (Float.isNaN(v) || v == Float.POSITIVE_INFINITY) {
                throw new IllegalArgumentException("sample: logit " + i + " of " + logits.length + " is " + v
                        + " (NaN and +Infinity cannot be sampled; -Infinity masks a token)");
            }
            finite |= v != Float.NEGATIVE_INFINITY;
        }
        if (!finite) {
            throw new IllegalArgumentException("sample: all " + logits.length + " logits are -Infinity; nothing can be drawn");
        }
    }

    /** Ids of the k largest logits (ties broken by lower id), in ascending id order. */
    private static int[] largest(float[] logits, int k) {
        Integer[] order = new Integer[logits.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> logits[a] != logits[b] ? Float.compare(logits[b], logits[a]) : Integer.compare(a, b));
        int[] top = new int[k];
        for (int j = 0; j < k; j++) {
            top[j] = order[j];
        }
        Arrays.sort(top);
        return top;
    }
}
