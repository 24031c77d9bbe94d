package io.isthmus.ops;

import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

import java.util.Arrays;

/**
 * Which keys each query of a scaled dot-product attention may see, in the three forms PyTorch
 * offers, any of them combined:
 * <ul>
 * <li>{@code causal}: query i sees keys j &lt;= i + (Tk - Tq) only (the last query sees every
 * key; with Tq = Tk the usual lower triangle);</li>
 * <li>{@code additive}: a float mask added to the scaled scores before the softmax, -infinity to
 * hide a key; shaped [Tq, Tk] (every batch and head) or [B, h, Tq, Tk] where B and h may be 1 to
 * broadcast;</li>
 * <li>{@code keyPadding}: [B, Tk] ints, 1 where the key is padding and hidden from every query
 * of that batch row (PyTorch's {@code key_padding_mask} with True = ignore).</li>
 * </ul>
 * A query row that no key may see gives an output row of zeros and passes no gradient, never
 * NaN (PyTorch 1.13 gives NaN there).
 */
public record AttentionMask(boolean causal, Tensor additive, IndexTensor keyPadding) {

    /** Every query sees every key. */
    public static final AttentionMask NONE = new AttentionMask(false, null, null);

    /** Each query sees itself and the keys before it. */
    public static final AttentionMask CAUSAL = new AttentionMask(true, null, null);

    /** This mask with {@code additive} ([Tq, Tk] or [B|1, h|1, Tq, Tk]) added to the scores. */
    public AttentionMask withAdditive(Tensor mask) {
        return new AttentionMask(causal, mask, keyPadding);
    }

    /** This mask with the keys where {@code padding} ([B, Tk]) is 1 hidden. */
    public AttentionMask withKeyPadding(IndexTensor padding) {
        return new AttentionMask(causal, additive, padding);
    }

    /** True when nothing is masked. */
    public boolean isEmpty() {
        return !causal && additive == null && keyPadding == null;
    }

    /**
     * Checks the masks against an attention of {@code batch} x {@code heads} with {@code queries}
     * queries and {@code keys} keys, naming the mask, its shape and the expected one when wrong.
     */
    public void check(int batch, int heads, int queries, int keys) {
        if (additive != null) {
            int[] s = additive.shape();
            boolean ok = s.length == 2 ? s[0] == queries && s[1] == keys
                    : s.length == 4 && (s[0] == 1 || s[0] == batch) && (s[1] == 1 || s[1] == heads)
                            && s[2] == queries && s[3] == keys;
            if (!ok) {
                throw new IllegalArgumentException("attention mask " + Shape.str(s) + " does not fit "
                        + batch + " batches x " + heads + " heads x " + queries + " queries x " + keys
                        + " keys: expected [" + queries + ", " + keys + "] or [" + batch + "|1, " + heads
                        + "|1, " + queries + ", " + keys + "]");
            }
        }
        if (keyPadding != null && !Arrays.equals(keyPadding.shape(), new int[] {batch, keys})) {
            throw new IllegalArgumentException("key padding mask " + Shape.str(keyPadding.shape())
                    + " does not fit " + batch + " batches x " + keys + " keys: expected [" + batch + ", " + keys + "]");
        }
    }
}
