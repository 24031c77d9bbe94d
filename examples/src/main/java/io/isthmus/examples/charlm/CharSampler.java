package io.isthmus.examples.charlm;

import io.isthmus.examples.text.SamplingRule;
import io.isthmus.examples.text.TextGenerator;
import io.isthmus.tensor.IndexTensor;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Generates text from a {@link CharLm}: the prime runs through the model once, then each
 * character is drawn from the last logits ({@link SamplingRule}) and fed back as a one-step
 * sequence with the state the previous step left, so a sample of N characters costs N one-step
 * forwards whatever the prime's length. Runs in eval mode without a graph.
 */
final class CharSampler implements TextGenerator {

    private final CharLm model;

    CharSampler(CharLm model) {
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

    @Override
    public int[] generate(int[] prime, int length, SamplingRule rule, RandomGenerator random) {
        int size = model.vocabularySize();
        TextGenerator.checkPrime(prime, size);
        return model.inference(() -> {
            CharLm.Step step = model.forward(IndexTensor.of(prime, prime.length, 1), null);
            float[] logits = step.logits().data();
            float[] last = Arrays.copyOfRange(logits, (prime.length - 1) * size, prime.length * size);
            int[] ids = new int[length];
            for (int i = 0; i < length; i++) {
                ids[i] = rule.pick(last, random);
                if (i + 1 < length) {
                    step = model.forward(IndexTensor.of(new int[]{ids[i]}, 1, 1), step.state());
                    last = step.logits().data();
                }
            }
            return ids;
        });
    }
}
