package io.isthmus.data;

import java.util.List;

/**
 * Next-token windows at every offset of a token-id sequence, for training a language model on
 * windows at random offsets (the W7 recipe). Sample {@code o} (0 &lt;= o &lt;= n - L - 1) is the
 * window starting at offset o: {@code inputs} INDEX [L] = ids[o .. o + L) and {@code targets}
 * INDEX [L] = ids[o + 1 .. o + L + 1), so a batch is inputs [B, L] and targets [B, L] (batch
 * first), ready for an embedding and for {@link io.isthmus.loss.CrossEntropyLoss} once the
 * logits [B, L, V] are put as [B * L, V] (or [B, V, L]).
 *
 * <p>A shuffling loader that visits a fixed number of samples per epoch draws fresh random
 * offsets every epoch: {@link #randomBatches(int, int, long)} builds one. Offsets within an
 * epoch are distinct (W7 draws with replacement; with a million offsets the two hardly differ).
 * The ids array is shared, not copied.
 *
 * <p>The W7 recipe (batches of 64 windows of 100 at random offsets of the first 90% of Tiny
 * Shakespeare; validation on 16 fixed batches of the last 10%):
 * <pre>{@code
 * CharVocabulary vocab = CharVocabulary.of(text);
 * TextSplit split = TextSplit.of(vocab.encode(text), TextSplit.W7_TRAIN_FRACTION);
 * DataLoader train = new TextWindows(split.train(), 100).randomBatches(64, seed);
 * DataLoader val = new TextWindows(split.validation(), 100).randomBatches(64, 16 * 64, seed + 1);
 * }</pre>
 */
public final class TextWindows implements Dataset {

    private final int[] ids;
    private final int length;
    private final List<Field> fields;

    /** Windows of {@code length} (&gt;= 1) over {@code ids}, which must hold at least length + 1 ids. */
    public TextWindows(int[] ids, int length) {
        if (length < 1) {
            throw new IllegalArgumentException("window length must be >= 1, got " + length);
        }
        if (ids.length < length + 1) {
            throw new IllegalArgumentException("a window of " + length + " inputs and its next-token targets needs "
                    + (length + 1) + " ids, the sequence has " + ids.length);
        }
        this.ids = ids;
        this.length = length;
        this.fields = List.of(Field.indices(Batch.INPUTS, length), Field.indices(Batch.TARGETS, length));
    }

    /** Window length L. */
    public int length() {
        return length;
    }

    /** Number of windows: one per offset, n - L. */
    @Override
    public int size() {
        return ids.length - length;
    }

    @Override
    public List<Field> fields() {
        return fields;
    }

    @Override
    public void gather(int[] indices, int from, int count, BatchArrays out) {
        int[] inputs = out.ints(0);
        int[] targets = out.ints(1);
        int windows = size();
        for (int b = 0; b < count; b++) {
            int offset = indices[from + b];
            if (offset < 0 || offset >= windows) {
                throw new IndexOutOfBoundsException("window offset " + offset + " out of range [0, " + windows + ")");
            }
            System.arraycopy(ids, offset, inputs, b * length, length);
            System.arraycopy(ids, offset + 1, targets, b * length, length);
        }
    }

    /**
     * A loader of {@code batchSize} windows per batch at random offsets, {@code samplesPerEpoch}
     * distinct windows per epoch drawn afresh each epoch from (seed, epoch), only full batches.
     * For a validation set, the loader's epoch 0 (what {@code Trainer.evaluate} reads) is a fixed
     * random set of windows.
     */
    public DataLoader randomBatches(int batchSize, int samplesPerEpoch, long seed) {
        if (samplesPerEpoch < batchSize) {
            throw new IllegalArgumentException("samples per epoch " + samplesPerEpoch + " is less than one batch of "
                    + batchSize);
        }
        return DataLoader.builder(this).batchSize(batchSize).shuffle(true).seed(seed)
                .samplesPerEpoch(samplesPerEpoch).dropLast(true).build();
    }

    /**
     * The same with about one pass over the text per epoch: {@code (n - 1) / L} windows, rounded
     * down to whole batches (at least one batch).
     */
    public DataLoader randomBatches(int batchSize, long seed) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        if (batchSize > size()) {
            throw new IllegalArgumentException("a batch of " + batchSize + " windows of " + length
                    + " needs at least that many offsets, the sequence of " + ids.length + " ids has " + size());
        }
        int perPass = (ids.length - 1) / length;
        int samples = Math.max(batchSize, perPass / batchSize * batchSize);
        return randomBatches(batchSize, samples, seed);
    }

    @Override
    public String toString() {
        return "TextWindows[" + size() + " windows of " + length + " over " + ids.length + " ids]";
    }
}
