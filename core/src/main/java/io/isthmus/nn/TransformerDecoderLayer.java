package io.isthmus.nn;

import io.isthmus.ops.Arithmetic;
import io.isthmus.tensor.Seeds;
import io.isthmus.tensor.Tensor;

import java.util.SplittableRandom;

/**
 * PyTorch's {@code nn.TransformerDecoderLayer}. Submodules as PyTorch names them: {@code self_attn},
 * {@code multihead_attn}, {@code linear1}, {@code linear2}, {@code norm1}, {@code norm2},
 * {@code norm3}. Post-norm: x = norm1(x + sa(x)); x = norm2(x + mha(x, memory)); x = norm3(x + ff(x));
 * pre-norm (norm_first) adds each block's output to x and normalizes the block's input instead.
 * <p>Unlike PyTorch, whose default is batch_first=False, the short constructor is batch_first
 * (x: [B, T, E]); pass batchFirst false to the long one for time-first [T, B, E] tensors.
 */
public class TransformerDecoderLayer extends Module {

    private final MultiheadAttention selfAttn;
    private final MultiheadAttention multiheadAttn;
    private final Linear linear1;
    private final Linear linear2;
    private final LayerNorm norm1;
    private final LayerNorm norm2;
    private final LayerNorm norm3;
    private final Dropout dropout;
    private final Dropout dropout1;
    private final Dropout dropout2;
    private final Dropout dropout3;
    private final String activation;
    private final boolean normFirst;

    /** relu, dropout 0.1, eps 1e-5, batch_first, post-norm. */
    public TransformerDecoderLayer(int dModel, int nhead, int dimFeedforward) {
        this(dModel, nhead, dimFeedforward, 0.1f, "relu", 1e-5, true, false, Seeds.next());
    }

    public TransformerDecoderLayer(int dModel, int nhead, int dimFeedforward, float dropout, String activation,
                                   double layerNormEps, boolean batchFirst, boolean normFirst, SplittableRandom random) {
        this.activation = FeedForwardBlock.checkActivation(activation);
        this.normFirst = normFirst;
        this.selfAttn = registerModule("self_attn", new MultiheadAttention(dModel, nhead, dropout, batchFirst, random));
        this.multiheadAttn = registerModule("multihead_attn", new MultiheadAttention(dModel, nhead, dropout, batchFirst, random));
        this.linear1 = registerModule("linear1", new Linear(dModel, dimFeedforward, true, random));
        this.dropout = registerModule("dropout", new Dropout(dropout, random.nextLong()));
        this.linear2 = registerModule("linear2", new Linear(dimFeedforward, dModel, true, random));
        this.norm1 = registerModule("norm1", new LayerNorm(dModel, layerNormEps));
        this.norm2 = registerModule("norm2", new LayerNorm(dModel, layerNormEps));
        this.norm3 = registerModule("norm3", new LayerNorm(dModel, layerNormEps));
        this.dropout1 = registerModule("dropout1", new Dropout(dropout, random.nextLong()));
        this.dropout2 = registerModule("dropout2", new Dropout(dropout, random.nextLong()));
        this.dropout3 = registerModule("dropout3", new Dropout(dropout, random.nextLong()));
    }

    /**
     * tgt: [B, Tq, E], memory: [B, Tk, E] (batch_first); tgtMask for the self-attention (e.g.
     * {@link MhaOptions#CAUSAL}), memoryMask for the cross-attention (null: nothing masked).
     */
    public Tensor forward(Tensor tgt, Tensor memory, MhaOptions tgtMask, MhaOptions memoryMask) {
        MhaOptions self = (tgtMask == null ? MhaOptions.NONE : tgtMask).withNeedWeights(false);
        MhaOptions cross = (memoryMask == null ? MhaOptions.NONE : memoryMask).withNeedWeights(false);
        Tensor x = tgt;
        if (normFirst) {
            Tensor n1 = norm1.forward(x);
            x = Arithmetic.add(x, dropout1.forward(selfAttn.forward(n1, n1, n1, self).output()));
            x = Arithmetic.add(x, dropout2.forward(multiheadAttn.forward(norm2.forward(x), memory, memory, cross).output()));
            x = Arithmetic.add(x, dropout3.forward(FeedForwardBlock.apply(norm3.forward(x), linear1, linear2, dropout, activation)));
        } else {
            x = norm1.forward(Arithmetic.add(x, dropout1.forward(selfAttn.forward(x, x, x, self).output())));
            x = norm2.forward(Arithmetic.add(x, dropout2.forward(multiheadAttn.forward(x, memory, memory, cross).output())));
            x = norm3.forward(Arithmetic.add(x, dropout3.forward(FeedForwardBlock.apply(x, linear1, linear2, dropout, activation))));
        }
        return recordOutput(x);
    }

    /**
     * Incremental decoding: new target steps tgt: [B, tNew, E] with causal self-attention over the
     * cached steps ({@link MultiheadAttention#forwardCached}) and cross-attention on memory;
     * equals the last tNew rows of {@code forward(prefix, memory, CAUSAL, memoryMask)}.
     */
    public Tensor forwardCached(Tensor tgt, Tensor memory, KvCache.Entry cache, MhaOptions memoryMask) {
        MhaOptions cross = (memoryMask == null ? MhaOptions.NONE : memoryMask).withNeedWeights(false);
        Tensor x = tgt;
        if (normFirst) {
            x = Arithmetic.add(x, dropout1.forward(selfAttn.forwardCached(norm1.forward(x), cache)));
            x = Arithmetic.add(x, dropout2.forward(multiheadAttn.forward(norm2.forward(x), memory, memory, cross).output()));
            x = Arithmetic.add(x, dropout3.forward(FeedForwardBlock.apply(norm3.forward(x), linear1, linear2, dropout, activation)));
        } else {
            x = norm1.forward(Arithmetic.add(x, dropout1.forward(selfAttn.forwardCached(x, cache))));
            x = norm2.forward(Arithmetic.add(x, dropout2.forward(multiheadAttn.forward(x, memory, memory, cross).output())));
            x = norm3.forward(Arithmetic.add(x, dropout3.forward(FeedForwardBlock.apply(x, linear1, linear2, dropout, activation))));
        }
        return recordOutput(x);
    }

    @Override
    public String describe() {
        return "activation=" + activation + (normFirst ? ", norm_first" : "");
    }
}
