package io.isthmus.nn;

import io.isthmus.ops.ShapeOps;
import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

/**
 * Key/value cache for incremental decoding: per layer, the self-attention's projected keys and
 * values [B, h, t, d] of the t positions decoded so far, grown by each step. Used by
 * {@link MultiheadAttention#forwardCached} and {@link TransformerDecoderLayer#forwardCached}; the
 * cached tensors are detached (no gradient flows into earlier steps; the new steps' own keys and
 * values keep their graph).
 */
public final class KvCache {

    private final Entry[] entries;

    /** One entry per layer. */
    public KvCache(int layers) {
        if (layers <= 0) {
            throw new IllegalArgumentException("KvCache needs at least one layer, got " + layers);
        }
        entries = new Entry[layers];
        for (int i = 0; i < layers; i++) {
            entries[i] = new Entry();
        }
    }

    public Entry layer(int i) {
        if (i < 0 || i >= entries.length) {
            throw new IllegalArgumentException("KvCache layer " + i + " out of range [0, " + entries.length + ")");
        }
        return entries[i];
    }

    /** Positions cached so far (those of layer 0). */
    public int length() {
        return entries[0].length();
    }

    /** Forgets every layer's keys and values (a new sequence). */
    public void clear() {
        for (Entry e : entries) {
            e.keys = null;
            e.values = null;
        }
    }

    /** One layer's keys and values [B, h, t, d], null before the first step. */
    public static final class Entry {
        private Tensor keys;
        private Tensor values;

        public Tensor keys() {
            return keys;
        }

        public Tensor values() {
            return values;
        }

        /** Positions cached so far. */
        public int length() {
            return keys == null ? 0 : keys.size(2);
        }

        /** Appends the new steps' k, v [B, h, tNew, d] and returns the whole {keys, values}. */
        Tensor[] append(Tensor k, Tensor v) {
            if (keys != null && (keys.size(0) != k.size(0) || keys.size(1) != k.size(1) || keys.size(3) != k.size(3))) {
                throw new IllegalArgumentException("KvCache holds keys " + Shape.str(keys.shape()) + " but got new keys "
                        + Shape.str(k.shape()) + ": B, heads and head size must agree");
            }
            // The returned keys keep the new steps' graph (a loss through a cached forward trains
            // their projection); what is stored for later steps is the same data, detached.
            Tensor[] seen = {keys == null ? k : ShapeOps.concat(2, keys, k), values == null ? v : ShapeOps.concat(2, values, v)};
            keys = seen[0].detach();
            values = seen[1].detach();
            return seen;
        }
    }
}
