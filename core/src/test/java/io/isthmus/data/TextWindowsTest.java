package io.isthmus.data;

import io.isthmus.loss.CrossEntropyLoss;
import io.isthmus.nn.Embedding;
import io.isthmus.nn.Linear;
import io.isthmus.nn.Module;
import io.isthmus.optim.Adam;
import io.isthmus.train.Trainer;
import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Next-token windows at random offsets (W7) and in order over parallel streams (stateful training). */
class TextWindowsTest {

    /** ids[i] = 1000 + i, so a window's content tells where it starts. */
    private static int[] ramp(int n) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = 1000 + i;
        }
        return ids;
    }

    @Test
    void everyOffsetIsOneWindowWithShiftedTargets() {
        int[] ids = ramp(23);
        TextWindows w = new TextWindows(ids, 7);
        assertEquals(16, w.size());
        assertEquals(List.of(Field.indices("inputs", 7), Field.indices("targets", 7)), w.fields());
        Batch b = w.batch(0, 15, 3);
        assertArrayEquals(new int[]{3, 7}, b.indices("inputs").shape());
        assertArrayEquals(new int[]{3, 7}, b.indices("targets").shape());
        int[] x = b.indices("inputs").data();
        int[] y = b.indices("targets").data();
        int[] starts = {0, 15, 3};
        for (int r = 0; r < 3; r++) {
            for (int t = 0; t < 7; t++) {
                assertEquals(1000 + starts[r] + t, x[r * 7 + t]);
                assertEquals(1000 + starts[r] + t + 1, y[r * 7 + t]);
            }
        }
        assertEquals(1, new TextWindows(ramp(2), 1).size());
        var e = assertThrows(IllegalArgumentException.class, () -> new TextWindows(ramp(7), 7));
        assertTrue(e.getMessage().contains("needs 8 ids") && e.getMessage().contains("has 7"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TextWindows(ramp(7), 0));
        assertThrows(IndexOutOfBoundsException.class, () -> w.batch(16));
    }

    @Test
    void randomBatchesDrawFreshDistinctOffsetsEachEpoch() {
        int[] ids = ramp(1001);
        TextWindows w = new TextWindows(ids, 10);
        DataLoader loader = w.randomBatches(8, 42);
        // one pass's worth: (1001 - 1) / 10 = 100 windows, rounded down to 12 batches of 8
        assertEquals(96, loader.samplesPerEpoch());
        assertEquals(12, loader.batchesPerEpoch());
        Set<Integer> epoch0 = offsets(loader, 0);
        Set<Integer> epoch1 = offsets(loader, 1);
        assertEquals(96, epoch0.size(), "distinct offsets within an epoch");
        assertFalse(epoch0.equals(epoch1), "a new draw every epoch");
        assertEquals(epoch0, offsets(w.randomBatches(8, 42), 0), "same seed, same offsets");
        assertFalse(epoch0.equals(offsets(w.randomBatches(8, 43), 0)));
        // offsets spread over the whole text, up to the last one (n - L - 1 = 990)
        Set<Integer> many = new HashSet<>();
        for (int e = 0; e < 40; e++) {
            many.addAll(offsets(loader, e));
        }
        assertTrue(many.contains(0) && many.contains(990) && many.size() > 900, "covered " + many.size() + " of 991 offsets");

        DataLoader fixed = w.randomBatches(8, 16, 7);
        assertEquals(2, fixed.batchesPerEpoch());
        var e = assertThrows(IllegalArgumentException.class, () -> w.randomBatches(8, 5, 7));
        assertTrue(e.getMessage().contains("5") && e.getMessage().contains("8"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TextWindows(ramp(12), 10).randomBatches(3, 1));
        assertTrue(e.getMessage().contains("has 2"), e.getMessage());
    }

    /** The window offsets of one epoch, checking every batch is full and targets follow inputs. */
    private static Set<Integer> offsets(DataLoader loader, int epoch) {
        Set<Integer> out = new HashSet<>();
        try (DataLoader.Batches batches = loader.epoch(epoch)) {
            while (batches.hasNext()) {
                Batch b = batches.next();
                assertEquals(loader.batchSize(), b.size());
                int[] x = b.indices("inputs").data();
                int[] y = b.indices("targets").data();
                int length = x.length / b.size();
                for (int r = 0; r < b.size(); r++) {
                    out.add(x[r * length] - 1000);
                    for (int t = 0; t < length; t++) {
                        assertEquals(x[r * length + t] + 1, y[r * length + t]);
                    }
                }
            }
        }
        return out;
    }

    @Test
    void windowsFeedCrossEntropyAsIndexTargets() {
        int vocab = 5;
        int[] ids = new int[40];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = (i * 7) % vocab;
        }
        Batch b = new TextWindows(ids, 6).batch(1, 4, 9);
        IndexTensor targets = b.indices("targets");
        Tensor logits = Tensor.zeros(3, 6, vocab);   // [B, L, V] from a batch-first model
        Tensor loss = new CrossEntropyLoss().forward(logits.reshape(18, vocab), targets.reshape(18));
        assertEquals(Math.log(vocab), loss.item(), 1e-6, "uniform logits give ln V per token");
    }

    /** Embedding then Linear on every position: [B, L] ids -> [B, L, V] logits (a bigram model). */
    static final class Bigram extends Module {
        final Embedding embedding;
        final Linear head;

        Bigram(int vocab) {
            embedding = registerModule("embedding", new Embedding(vocab, 8, new SplittableRandom(1)));
            head = registerModule("head", new Linear(8, vocab, true, new SplittableRandom(2)));
        }

        Tensor forward(IndexTensor ids) {
            return head.forward(embedding.forward(ids));
        }
    }

    @Test
    void randomWindowsTrainACharacterModelThroughTheTrainer() {
        String text = "abcd".repeat(300);
        CharVocabulary vocab = CharVocabulary.of(text);
        TextSplit split = TextSplit.of(vocab.encode(text), 0.9);
        int v = vocab.size();
        Bigram model = new Bigram(v);
        CrossEntropyLoss ce = new CrossEntropyLoss();
        Trainer trainer = Trainer.builder(model)
                .forward(b -> model.forward(b.indices("inputs")))
                .objective((out, b) -> ce.forward(out.reshape(-1, v), b.indices("targets").reshape(b.indices("targets").numel())))
                .optimizer(new Adam(model.parameters(), 0.05))
                .build()
                .logTo(new PrintStream(OutputStream.nullOutputStream()));
        DataLoader val = new TextWindows(split.validation(), 9).randomBatches(4, 8, 1);
        double before = trainer.evaluate(val).get("loss");
        assertEquals(Math.log(v), before, 0.5, "about ln V before training");
        trainer.fit(new TextWindows(split.train(), 9).randomBatches(4, 3), 3, val);
        double after = trainer.evaluate(val).get("loss");
        assertTrue(after < 0.1, "each character predicts the next: loss " + before + " -> " + after);
    }

    @Test
    void streamsContinueRowByRowAcrossBatches() {
        // awkward sizes: 103 ids, 3 streams of (103 - 1) / 3 = 34, windows of 7: 4 batches, 6 ids per stream dropped
        int[] ids = ramp(103);
        TextStreams s = new TextStreams(ids, 3, 7);
        assertEquals(34, s.streamLength());
        assertEquals(4, s.batches());
        assertEquals(12, s.size());
        DataLoader loader = s.loader();
        assertEquals(4, loader.batchesPerEpoch());
        int[][] rowInputs = new int[3][0];
        int[][] rowTargets = new int[3][0];
        int k = 0;
        for (Batch b : (Iterable<Batch>) () -> loader.epoch(0)) {
            assertArrayEquals(new int[]{3, 7}, b.indices("inputs").shape());
            int[] x = b.indices("inputs").data();
            int[] y = b.indices("targets").data();
            for (int r = 0; r < 3; r++) {
                rowInputs[r] = concat(rowInputs[r], Arrays.copyOfRange(x, r * 7, r * 7 + 7));
                rowTargets[r] = concat(rowTargets[r], Arrays.copyOfRange(y, r * 7, r * 7 + 7));
                assertEquals(1000 + s.offset(k, r), x[r * 7]);
            }
            k++;
        }
        assertEquals(4, k);
        for (int r = 0; r < 3; r++) {
            // row r read across all batches is one contiguous stretch of the text: stream r
            assertArrayEquals(Arrays.copyOfRange(ids, r * 34, r * 34 + 28), rowInputs[r], "stream " + r);
            assertArrayEquals(Arrays.copyOfRange(ids, r * 34 + 1, r * 34 + 29), rowTargets[r], "stream " + r);
        }
        // the same every epoch
        assertEquals(loader.epoch(0).next().indices("inputs"), loader.epoch(5).next().indices("inputs"));

        TextStreams one = new TextStreams(ramp(8), 1, 7);
        assertEquals(1, one.size());
        var e = assertThrows(IllegalArgumentException.class, () -> new TextStreams(ramp(21), 3, 7));
        assertTrue(e.getMessage().contains("streams of 6") && e.getMessage().contains("at least 22 ids"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TextStreams(ramp(100), 0, 7));
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void textSplitCutsInOrder() {
        TextSplit s = TextSplit.of(ramp(17), 0.9);
        assertEquals(15, s.train().length, "int(17 * 0.9) = 15");
        assertArrayEquals(new int[]{1015, 1016}, s.validation());
        assertEquals(17, TextSplit.of(ramp(17), 1.0).train().length);
        var e = assertThrows(IllegalArgumentException.class, () -> TextSplit.of(ramp(3), 0.2));
        assertTrue(e.getMessage().contains("no training ids"), e.getMessage());
        assertArrayEquals(new int[]{1002}, TextSplit.of(ramp(3), 0.99).validation(), "int(3 * 0.99) = 2");
        assertThrows(IllegalArgumentException.class, () -> TextSplit.of(ramp(3), 0));
        assertThrows(IllegalArgumentException.class, () -> TextSplit.of(ramp(3), Double.NaN));
    }

    @Test
    void loaderVisitsOnlySamplesPerEpoch() {
        TextWindows w = new TextWindows(ramp(51), 1);   // 50 samples
        DataLoader ordered = DataLoader.builder(w).batchSize(7).samplesPerEpoch(20).build();
        assertEquals(3, ordered.batchesPerEpoch());
        assertArrayEquals(range(20), ordered.order(3));
        DataLoader shuffled = DataLoader.builder(w).batchSize(7).shuffle(true).seed(1).samplesPerEpoch(20).build();
        int[] first = shuffled.order(0);
        assertEquals(20, first.length);
        assertEquals(20, Arrays.stream(first).distinct().count());
        DataLoader all = DataLoader.builder(w).batchSize(7).shuffle(true).seed(1).build();
        assertArrayEquals(Arrays.copyOf(all.order(0), 20), first, "the first 20 of the full epoch's order");
        assertEquals(50, all.samplesPerEpoch());
        var e = assertThrows(IllegalArgumentException.class, () -> DataLoader.builder(w).samplesPerEpoch(51).build());
        assertTrue(e.getMessage().contains("51") && e.getMessage().contains("50"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DataLoader.builder(w).samplesPerEpoch(0));
    }

    private static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }
}
