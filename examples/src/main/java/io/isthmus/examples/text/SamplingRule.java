package io.isthmus.examples.text;

import io.isthmus.sample.Sampling;

import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * How a sampler picks the next token from a row of logits: {@code temperature} (0 is the
 * argmax) and a top-k restriction ({@link Integer#MAX_VALUE} keeps every token), as
 * {@link Sampling} applies them.
 */
public record SamplingRule(double temperature, int topK) {

    public SamplingRule {
        if (!(temperature >= 0) || !Double.isFinite(temperature)) {
            throw new IllegalArgumentException("temperature must be finite and >= 0, got " + temperature);
        }
        if (topK < 1) {
            throw new IllegalArgumentException("top-k must be at least 1, got " + topK);
        }
    }

    /** The argmax: what greedy decoding picks. */
    public static final SamplingRule GREEDY = new SamplingRule(0, Integer.MAX_VALUE);

    /** A token id drawn from {@code logits} [V]. */
    public int pick(float[] logits, RandomGenerator random) {
        return Sampling.sample(logits, temperature, topK, random);
    }

    /** E.g. "temperature 0.5, top-k 10". */
    public String describe() {
        return String.format(Locale.ROOT, "temperature %s%s", temperature,
                topK == Integer.MAX_VALUE ? "" : ", top-k " + topK);
    }
}
