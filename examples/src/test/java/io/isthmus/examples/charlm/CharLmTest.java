package io.isthmus.examples.charlm;

import io.isthmus.data.CharVocabulary;
import io.isthmus.examples.text.CharCorpus;
import io.isthmus.examples.text.SamplingRule;
import io.isthmus.examples.text.Throughput;
import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Seeds;
import io.isthmus.tensor.Tensor;
import io.isthmus.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The char-lm pieces on small awkward sizes, against plain references. */
class CharLmTest {

    @TempDir
    Path work;

    private static CharLm model(CharLm.Cell cell, int vocabulary, int layers) {
        Seeds.set(3);
        return new CharLm(cell, vocabulary, 5, 7, layers, 0f);
    }

    private static int[] randomIds(int count, int bound, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] ids = new int[count];
        for (int i = 0; i < count; i++) {
            ids[i] = random.nextInt(bound);
        }
        return ids;
    }

    @Test
    void timeMajorTransposesTheIds() {
        int batch = 3;
        int steps = 7;
        int[] ids = randomIds(batch * steps, 100, 1);
        IndexTensor moved = CharLm.timeMajor(IndexTensor.of(ids, batch, steps));
        assertArrayEquals(new int[]{steps, batch}, moved.shape());
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < steps; t++) {
                assertEquals(ids[b * steps + t], moved.data()[t * batch + b]);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> CharLm.timeMajor(IndexTensor.of(ids, batch * steps)));
    }

    /** Carrying the state one step at a time gives the logits of one pass over the whole sequence. */
    @Test
    void stepByStepWithTheStateEqualsOneForwardOverTheSequence() {
        for (CharLm.Cell cell : CharLm.Cell.values()) {
            int vocabulary = 11;
            int steps = 17;
            CharLm lm = model(cell, vocabulary, 2);
            int[] ids = randomIds(steps, vocabulary, 2);
            float[] whole = lm.inference(() -> lm.forward(IndexTensor.of(ids, steps, 1), null).logits().data());
            CharLm.State state = null;
            for (int t = 0; t < steps; t++) {
                CharLm.State previous = state;
                int id = ids[t];
                CharLm.Step step = lm.inference(() -> lm.forward(IndexTensor.of(new int[]{id}, 1, 1), previous));
                float[] expected = Arrays.copyOfRange(whole, t * vocabulary, (t + 1) * vocabulary);
                float[] actual = step.logits().data();
                for (int v = 0; v < vocabulary; v++) {
                    assertEquals(expected[v], actual[v], 1e-5f, cell + " step " + t + " logit " + v);
                }
                state = step.state();
                assertArrayEquals(new int[]{2, 1, 7}, state.hidden().shape());
                if (cell == CharLm.Cell.GRU) {
                    assertNull(state.cell());
                }
            }
        }
    }

    /** Greedy sampling one character at a time equals re-running the whole text for every character. */
    @Test
    void greedySamplingEqualsRerunningThePrefix() {
        CharVocabulary vocabulary = CharVocabulary.of("abcdefghijklm");
        CharLm lm = model(CharLm.Cell.LSTM, vocabulary.size(), 1);
        String prime = "gad";
        int length = 9;
        String sampled = vocabulary.decode(new CharSampler(lm).generate(vocabulary.encode(prime), length,
                SamplingRule.GREEDY, new SplittableRandom(1)));
        StringBuilder text = new StringBuilder(prime);
        for (int i = 0; i < length; i++) {
            int[] ids = vocabulary.encode(text.toString());
            float[] logits = lm.inference(() -> lm.forward(IndexTensor.of(ids, ids.length, 1), null).logits().data());
            int v = vocabulary.size();
            int best = 0;
            for (int c = 1; c < v; c++) {
                if (logits[(ids.length - 1) * v + c] > logits[(ids.length - 1) * v + best]) {
                    best = c;
                }
            }
            text.append(vocabulary.character(best));
        }
        assertEquals(text.substring(prime.length()), sampled);
        IllegalArgumentException unseen = assertThrows(IllegalArgumentException.class,
                () -> new CharSampler(lm).generate(new int[]{0, 13}, 3, new SamplingRule(1, 5), new SplittableRandom(1)));
        assertTrue(unseen.getMessage().contains("13") && unseen.getMessage().contains("position 1"),
                unseen.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new CharSampler(lm).generate(new int[0], 3, SamplingRule.GREEDY, new SplittableRandom(1)));
    }

    @Test
    void aStateDictDescribesItsModel() {
        Seeds.set(5);
        CharLm original = new CharLm(CharLm.Cell.GRU, 13, 6, 9, 2, 0.25f);
        Map<String, Tensor> state = original.stateDict();
        assertTrue(state.containsKey("emb.weight") && state.containsKey("gru.weight_ih_l1")
                && state.containsKey("out.bias"), state.keySet().toString());
        CharLm rebuilt = CharLm.describedBy(state);
        assertEquals(CharLm.Cell.GRU, rebuilt.cell());
        assertEquals(13, rebuilt.vocabularySize());
        assertEquals(6, rebuilt.embeddingSize());
        assertEquals(9, rebuilt.hiddenSize());
        assertEquals(2, rebuilt.layers());
        rebuilt.loadStateDict(state);
        int[] ids = randomIds(8, 13, 3);
        IndexTensor input = IndexTensor.of(ids, 4, 2);
        assertArrayEquals(original.inference(() -> original.forward(input, null).logits().data()),
                rebuilt.inference(() -> rebuilt.forward(input, null).logits().data()));
        IllegalArgumentException notLm = assertThrows(IllegalArgumentException.class,
                () -> CharLm.describedBy(Map.of("0.weight", Tensor.zeros(3, 4))));
        assertTrue(notLm.getMessage().contains("emb.weight"), notLm.getMessage());
    }

    /** Time-major logits against batch-first targets, counted by a plain loop over (b, t). */
    @Test
    void accuracyMatchesTimeMajorRowsWithBatchFirstTargets() {
        int batch = 3;
        int steps = 5;
        int classes = 4;
        SplittableRandom random = new SplittableRandom(9);
        float[] logits = new float[steps * batch * classes];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) random.nextGaussian();
        }
        int[] targets = randomIds(batch * steps, classes, 4);
        int correct = 0;
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < steps; t++) {
                int row = t * batch + b;
                int best = 0;
                for (int c = 1; c < classes; c++) {
                    best = logits[row * classes + c] > logits[row * classes + best] ? c : best;
                }
                correct += best == targets[b * steps + t] ? 1 : 0;
            }
        }
        TimeMajorAccuracy accuracy = new TimeMajorAccuracy();
        accuracy.update(Tensor.of(logits, steps * batch, classes), IndexTensor.of(targets, batch, steps));
        assertEquals((double) correct / (batch * steps), accuracy.result(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> accuracy.update(Tensor.of(logits, steps * batch * classes),
                IndexTensor.of(targets, batch, steps)));
        accuracy.reset();
        assertTrue(Double.isNaN(accuracy.result()));
    }

    @Test
    void throughputCountsFullWindowsAfterTheWarmUp() {
        Throughput meter = new Throughput(6400, Throughput.W7_WINDOW);
        Trainer none = null;
        meter.onEpochBegin(none, 0);
        for (int s = 0; s < Throughput.WARM_UP + 2 * Throughput.W7_WINDOW + 7; s++) {
            meter.onBatchEnd(none, 0, s, Map.of());
        }
        assertEquals(Throughput.WARM_UP + 2 * Throughput.W7_WINDOW + 7, meter.steps());
        assertEquals(2, meter.windows().length);
        assertTrue(meter.median() > 0 && meter.overall() > 0);
    }

    @Test
    void unigramBaselineIsTheValidationCrossEntropyUnderTrainingFrequencies() throws IOException {
        Path file = Files.writeString(work.resolve("tiny.txt"), "aaabbbbcac");
        CharCorpus corpus = CharCorpus.load(file, 0.8);
        // training "aaabbbbc": a 3, b 4, c 1 of 8, add-one over 3 characters -> (n + 1) / 11;
        // validation "ac": -(ln(4/11) + ln(2/11)) / 2
        assertEquals(-(Math.log(4.0 / 11) + Math.log(2.0 / 11)) / 2, corpus.unigramLoss(), 1e-12);
    }
}
