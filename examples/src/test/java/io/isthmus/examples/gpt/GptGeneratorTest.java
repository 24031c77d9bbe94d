package io.isthmus.examples.gpt;

import io.isthmus.examples.text.SamplingRule;
import io.isthmus.nn.Gpt;
import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Seeds;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cached generation against re-running the model on the whole visible prefix for every token. */
class GptGeneratorTest {

    private static Gpt model(int context) {
        Seeds.set(11);
        return new Gpt(13, context, 8, 2, 2, 16, 0f);
    }

    /**
     * Greedy decoding by re-running the model on every prefix, the window restarting as the
     * generator documents: the last context / 2 tokens once the visible tokens would pass the context.
     */
    private static int[] rerun(Gpt gpt, int[] prime, int length) {
        int context = gpt.context();
        int[] text = Arrays.copyOf(prime, prime.length + length);
        int start = Math.max(0, prime.length - context);
        for (int i = 0; i < length; i++) {
            int n = prime.length + i;
            if (n - start > context) {
                start = n - Math.max(1, context / 2);
            }
            int[] visible = Arrays.copyOfRange(text, start, n);
            float[] logits = gpt.inference(() -> gpt.forward(IndexTensor.of(visible, 1, visible.length)).data());
            int v = gpt.vocabularySize();
            int best = 0;
            for (int c = 1; c < v; c++) {
                best = logits[logits.length - v + c] > logits[logits.length - v + best] ? c : best;
            }
            text[n] = best;
        }
        return Arrays.copyOfRange(text, prime.length, text.length);
    }

    @Test
    void greedyCachedGenerationEqualsRerunningThePrefix() {
        Gpt gpt = model(33);
        int[] prime = {3, 1, 4, 1, 5};
        int[] cached = new GptGenerator(gpt).generate(prime, 20, SamplingRule.GREEDY, new SplittableRandom(1));
        assertArrayEquals(rerun(gpt, prime, 20), cached);
    }

    @Test
    void slidingPastTheContextFollowsTheDocumentedRule() {
        Gpt gpt = model(7);
        int[] longPrime = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        int[] cached = new GptGenerator(gpt).generate(longPrime, 30, SamplingRule.GREEDY, new SplittableRandom(1));
        assertArrayEquals(rerun(gpt, longPrime, 30), cached);
        int[] shortPrime = {2};
        assertArrayEquals(rerun(gpt, shortPrime, 25),
                new GptGenerator(gpt).generate(shortPrime, 25, SamplingRule.GREEDY, new SplittableRandom(1)));
    }

    @Test
    void badPrimesAreRefused() {
        GptGenerator generator = new GptGenerator(model(9));
        IllegalArgumentException outside = assertThrows(IllegalArgumentException.class,
                () -> generator.generate(new int[]{0, 13}, 3, SamplingRule.GREEDY, new SplittableRandom(1)));
        assertTrue(outside.getMessage().contains("13") && outside.getMessage().contains("position 1"),
                outside.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> generator.generate(new int[0], 3, SamplingRule.GREEDY, new SplittableRandom(1)));
    }
}
