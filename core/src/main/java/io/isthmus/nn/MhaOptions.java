package io.isthmus.nn;

import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Tensor;

/**
 * The optional arguments of {@link MultiheadAttention#forward}, PyTorch's names:
 * {@code attnMask} additive float [Tq, Tk] or [B*h, Tq, Tk]; {@code attnMaskBool} the same shapes
 * with 1 = not allowed (at most one of the two); {@code keyPaddingMask} [B, Tk], 1 = ignore that key;
 * {@code isCausal}; {@code needWeights} (also return the head-averaged weights).
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
