package io.isthmus.examples.gpt;

import io.isthmus.examples.text.SamplingRule;
import io.isthmus.examples.text.TextGenerator;
import io.isthmus.nn.Gpt;
import io.isthmus.nn.KvCache;
import io.isthmus.tensor.IndexTensor;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Generates text from a {@link Gpt} with its key/value cache: the prime (its last
 * {@code context} tokens) runs through the model once, then each new token is one forward of a
 * single position against the cached keys and values of the tokens before it.
 *
 * <p>Sliding rule: the model sees at most {@code context} positions. When the cache is full, it
 * is rebuilt from the last {@code context / 2} tokens (one forward over them) and decoding goes
 * on from there; so every prediction sees between {@code context / 2} and {@code context} tokens,
 * and rebuilding costs one half-context forward every {@code context / 2} tokens instead of a
 * full-context forward for every token. Runs in eval mode without a graph.
 */
final class GptGenerator implements TextGenerator {

    private final Gpt model;

    GptGenerator(Gpt model) {
        this.model = model;
    }

    @Override
    public int vocabularySize() {
        return model.vocabularySize();
    }

    @Override
    public String description() {
        return model.description();
    }

    /** Tokens kept when the cache is full and rebuilt. */
    int keptOnSlide() {
        return Math.max(1, model.context() / 2);
    }

    @Override
    public int[] generate(int[] prime, int length, SamplingRule rule, RandomGenerator random) {
        int size = model.vocabularySize();
        TextGenerator.checkPrime(prime, size);
        int context = model.context();
        int[] text = Arrays.copyOf(prime, prime.length + length);
        return model.inference(() -> {
            int from = Math.max(0, prime.length - context);
            KvCache cache = model.newCache();
            float[] last = lastRow(model.forward(window(text, from, prime.length), cache).data(), size);
            for (int i = 0; i < length; i++) {
                int n = prime.length + i;
                text[n] = rule.pick(last, random);
                if (i + 1 < length) {
                    if (cache.length() == context) {
                        cache = model.newCache();
                        last = lastRow(model.forward(window(text, n + 1 - keptOnSlide(), n + 1), cache).data(), size);
                    } else {
                        last = model.forward(IndexTensor.of(new int[]{text[n]}, 1, 1), cache).data();
                    }
                }
            }
            return Arrays.copyOfRange(text, prime.length, text.length);
        });
    }

    private static IndexTensor window(int[] text, int from, int to) {
        return IndexTensor.of(Arrays.copyOfRange(text, from, to), 1, to - from);
    }

    private static float[] lastRow(float[] logits, int size) {
        return Arrays.copyOfRange(logits, logits.length - size, logits.length);
    }
}
