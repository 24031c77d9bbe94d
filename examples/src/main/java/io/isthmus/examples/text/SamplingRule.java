package io.isthmus.examples.text;

import io.isthmus.sample.Sampling;

import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * How a sampler picks the next token from a row of logits: {@code temperature} (0 is the
 * argmax), a top-k restriction ({@link Integer#MAX_VALUE} keeps every token) and a top-p
 * (nucleus) restriction (1 keeps every token), as {@link Sampling} applies them.
 */
public record SamplingRule(double temperature, int topK, double topP) {

    public SamplingRule {
        if (!(temperature >= 0) || !Double.isFinite(temperature)) {
            throw new IllegalArgumentException("temperature must be finite and >= 0, got " + temperature);
        }
        if (topK < 1) {
            throw new IllegalArgumentException("top-k must be at least 1, got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        }
    }

    /** Temperature and top-k, every token's probability mass kept (top-p 1). */
    public SamplingRule(double temperature, int topK) {
        this(temperature, topK, 1);
    }

    /** The argmax: what greedy decoding picks. */
    public static final SamplingRule GREEDY = new SamplingRule(0, Integer.MAX_VALUE);

    /** A token id drawn from {@code logits} [V]. */
    public int pick(float[] logits, RandomGenerator random) {
        return Sampling.sample(logits, temperature, topK, topP, random);
    }

    /** E.g. "temperature 0.5, top-k 10, top-p 0.9". */
    public String describe() {
        return String.format(Locale.ROOT, "temperature %s%s%s", temperature,
                topK == Integer.MAX_VALUE ? "" : ", top-k " + topK, topP == 1 ? "" : ", top-p " + topP);
    }
}
