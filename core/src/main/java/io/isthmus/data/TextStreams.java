package io.isthmus.data;

import java.util.List;

/**
 * Consecutive windows over B parallel streams of a token-id sequence, for stateful training
 * (truncated backprop through time with the recurrent state carried from batch to batch).
 *
 * <p>The n ids are cut into B contiguous streams of S = (n - 1) / B ids each (the last
 * (n - 1) % B ids are dropped); stream b starts at id b * S. Batch k (0 &lt;= k &lt; K = S / L)
 * holds, in row b, {@code inputs} = ids[b*S + k*L .. b*S + (k+1)*L) and {@code targets} the same
 * shifted by one, so row b of batch k + 1 continues row b of batch k exactly: the state left
 * by batch k is the right initial state for batch k + 1. The tail of each stream shorter than
 * L is dropped.
 *
 * <p>As a {@link Dataset}, sample {@code k * B + b} is window k of stream b; read it with
 * {@link #loader()}, which keeps that order (batch size B, no shuffling). A shuffling loader or
 * another batch size would break the continuity.
 */
public final class TextStreams implements Dataset {

    private final int[] ids;
    private final int streams;
    private final int length;
    private final int streamLength;
    private final List<Field> fields;

    /** B = {@code streams} (&gt;= 1) streams, windows of {@code length} (&gt;= 1); at least one batch must fit. */
    public TextStreams(int[] ids, int streams, int length) {
        if (streams < 1 || length < 1) {
            throw new IllegalArgumentException("need streams >= 1 and window length >= 1, got streams " + streams
                    + ", length " + length);
        }
        this.streamLength = (ids.length - 1) / streams;
        if (streamLength < length) {
            throw new IllegalArgumentException(ids.length + " ids make " + streams + " streams of " + streamLength
                    + " inputs each, shorter than one window of " + length + " (needs at least "
                    + (streams * length + 1) + " ids)");
        }
        this.ids = ids;
        this.streams = streams;
        this.length = length;
        this.fields = List.of(Field.indices(Batch.INPUTS, length), Field.indices(Batch.TARGETS, length));
    }

    /** Number of parallel streams B (the batch size). */
    public int streams() {
        return streams;
    }

    /** Window length L. */
    public int length() {
        return length;
    }

    /** Ids per stream, S. */
    public int streamLength() {
        return streamLength;
    }

    /** Batches per epoch, K = S / L. */
    public int batches() {
        return streamLength / length;
    }

    /** Where window {@code k} of stream {@code b} starts in the ids. */
    public int offset(int k, int b) {
        return b * streamLength + k * length;
    }

    @Override
    public int size() {
        return batches() * streams;
    }

    @Override
    public List<Field> fields() {
        return fields;
    }

    @Override
    public void gather(int[] indices, int from, int count, BatchArrays out) {
        int[] inputs = out.ints(0);
        int[] targets = out.ints(1);
        int n = size();
        for (int j = 0; j < count; j++) {
            int sample = indices[from + j];
            if (sample < 0 || sample >= n) {
                throw new IndexOutOfBoundsException("stream window " + sample + " out of range [0, " + n + ")");
            }
            int offset = offset(sample / streams, sample % streams);
            System.arraycopy(ids, offset, inputs, j * length, length);
            System.arraycopy(ids, offset + 1, targets, j * length, length);
        }
    }

    /** The loader that yields batch 0, 1, ..., K-1 in order: batch size B, no shuffling. */
    public DataLoader loader() {
        return DataLoader.builder(this).batchSize(streams).shuffle(false).build();
    }

    @Override
    public String toString() {
        return "TextStreams[" + streams + " streams of " + streamLength + " ids, " + batches() + " windows of " + length + "]";
    }
}
