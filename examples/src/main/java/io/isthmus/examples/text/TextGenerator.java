package io.isthmus.examples.text;

import java.util.random.RandomGenerator;

/**
 * A trained language model as the samplers of {@link LanguageModelCommand} see it: token ids in,
 * token ids drawn one at a time out. Implementations run in eval mode without a graph.
 */
public interface TextGenerator {

    /** Tokens the model predicts (its output size), to be checked against the vocabulary. */
    int vocabularySize();

    /** The model in one line, e.g. "Embedding(65, 64) -> LSTM(64, 256) -> Linear(256, 65)". */
    String description();

    /**
     * {@code length} ids following {@code prime} (not repeated in the result), each drawn by
     * {@code rule} from the logits of the step before.
     *
     * @throws IllegalArgumentException if the prime is empty or holds an id outside the vocabulary
     */
    int[] generate(int[] prime, int length, SamplingRule rule, RandomGenerator random);

    /**
     * Checks a prime against a vocabulary of {@code size} ids.
     *
     * @throws IllegalArgumentException if it is empty or holds an id outside [0, size), naming it and its position
     */
    static void checkPrime(int[] prime, int size) {
        if (prime.length == 0) {
            throw new IllegalArgumentException("the prime is empty; give at least one character");
        }
        for (int i = 0; i < prime.length; i++) {
            if (prime[i] < 0 || prime[i] >= size) {
                throw new IllegalArgumentException("prime id " + prime[i] + " at position " + i
                        + " is outside the vocabulary [0, " + size + ")");
            }
        }
    }
}
