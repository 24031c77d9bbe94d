package io.isthmus.examples.charlm;

import io.isthmus.data.CharVocabulary;
import io.isthmus.sample.Sampling;
import io.isthmus.tensor.IndexTensor;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Generates text from a {@link CharLm}: the prime runs through the model once, then each
 * character is drawn from the last logits (temperature, top-k: {@link Sampling}) and fed back as
 * a one-step sequence with the state the previous step left, so a sample of N characters costs
 * N one-step forwards whatever the prime's length. Runs in eval mode without a graph.
 */
final class CharSampler {

    private final CharLm model;
    private final CharVocabulary vocabulary;

    CharSampler(CharLm model, CharVocabulary vocabulary) {
        if (model.vocabularySize() != vocabulary.size()) {
            throw new IllegalArgumentException("the model predicts " + model.vocabularySize()
                    + " characters but the vocabulary has " + vocabulary.size());
        }
        this.model = model;
        this.vocabulary = vocabulary;
    }

    /**
     * {@code length} characters following {@code prime} (not repeated in the result).
     *
     * @throws IllegalArgumentException if the prime is empty or has a character outside the vocabulary
     */
    String generate(String prime, int length, double temperature, int topK, RandomGenerator random) {
        if (prime.isEmpty()) {
            throw new IllegalArgumentException("the prime is empty; give at least one character");
        }
        int[] primeIds = vocabulary.encode(prime);
        int size = vocabulary.size();
        return model.inference(() -> {
            CharLm.Step step = model.forward(IndexTensor.of(primeIds, primeIds.length, 1), null);
            float[] logits = step.logits().data();
            float[] last = Arrays.copyOfRange(logits, (primeIds.length - 1) * size, primeIds.length * size);
            StringBuilder text = new StringBuilder(length);
            for (int i = 0; i < length; i++) {
                int id = Sampling.sample(last, temperature, topK, random);
                text.append(vocabulary.character(id));
                if (i + 1 < length) {
                    step = model.forward(IndexTensor.of(new int[]{id}, 1, 1), step.state());
                    last = step.logits().data();
                }
            }
            return text.toString();
        });
    }
}
