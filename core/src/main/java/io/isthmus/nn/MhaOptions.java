package io.isthmus.nn;

import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Tensor;

/**
 * The optional arguments of {@link MultiheadAttention#forward}, PyTorch's names:
 * {@code attnMask} additive float [Tq, Tk] or [B*h, Tq, Tk]; {@code attnMaskBool} the same shapes
 * with 1 = not allowed (at most one of the two); {@code keyPaddingMask} [B, Tk], 1 = ignore that key;
 * {@code isCausal}: query i sees keys j &lt;= i + (Tk - Tq), aligned to the last key (for Tq = Tk
 * PyTorch's lower triangle; for Tq &lt; Tk the new steps after cached ones, as incremental decoding
 * needs; PyTorch 2's {@code is_causal} aligns to the first key instead); {@code needWeights}: also
 * return the head-averaged weights, before dropout and detached (PyTorch's default is true and
 * averages after dropout; here false). A float mask is a constant: it gets no gradient.
 */
public record MhaOptions(Tensor attnMask, IndexTensor attnMaskBool, IndexTensor keyPaddingMask,
                         boolean isCausal, boolean needWeights) {

    /** Nothing masked, no weights. */
    public static final MhaOptions NONE = new MhaOptions(null, null, null, false, false);
    /** Causal, no weights. */
    public static final MhaOptions CAUSAL = new MhaOptions(null, null, null, true, false);

    public MhaOptions {
        if (attnMask != null && attnMaskBool != null) {
            throw new IllegalArgumentException("give attn_mask as float or as bool, not both");
        }
    }

    public MhaOptions withAttnMask(Tensor mask) {
        return new MhaOptions(mask, null, keyPaddingMask, isCausal, needWeights);
    }

    public MhaOptions withAttnMask(IndexTensor notAllowed) {
        return new MhaOptions(null, notAllowed, keyPaddingMask, isCausal, needWeights);
    }

    public MhaOptions withKeyPaddingMask(IndexTensor ignore) {
        return new MhaOptions(attnMask, attnMaskBool, ignore, isCausal, needWeights);
    }

    public MhaOptions withCausal(boolean causal) {
        return new MhaOptions(attnMask, attnMaskBool, keyPaddingMask, causal, needWeights);
    }

    public MhaOptions withNeedWeights(boolean need) {
        return new MhaOptions(attnMask, attnMaskBool, keyPaddingMask, isCausal, need);
    }
}
