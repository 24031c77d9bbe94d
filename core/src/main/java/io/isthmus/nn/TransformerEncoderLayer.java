package io.isthmus.nn;

import io.isthmus.ops.Arithmetic;
import io.isthmus.tensor.Seeds;
import io.isthmus.tensor.Tensor;

import java.util.SplittableRandom;

/**
 * PyTorch's {@code nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward, dropout, activation,
 * layer_norm_eps, batch_first, norm_first)}. Submodules as PyTorch names them: {@code self_attn},
 * {@code linear1}, {@code linear2}, {@code norm1}, {@code norm2} (dropouts carry no state).
 * Post-norm: x = norm1(x + sa(x)); x = norm2(x + ff(x)). Pre-norm (norm_first):
 * x = x + sa(norm1(x)); x = x + ff(norm2(x)).
 * <p>Unlike PyTorch, whose default is batch_first=False, the short constructor is batch_first
 * (x: [B, T, E]); pass batchFirst false to the long one for time-first [T, B, E] tensors.
 */
public class TransformerEncoderLayer extends Module {

    private final MultiheadAttention selfAttn;
    private final Linear linear1;
    private final Linear linear2;
    private final LayerNorm norm1;
    private final LayerNorm norm2;
    private final Dropout dropout;
    private final Dropout dropout1;
    private final Dropout dropout2;
    private final String activation;
    private final boolean normFirst;

    /** relu, dropout 0.1, eps 1e-5, batch_first, post-norm, as PyTorch's defaults but batch_first. */
    public TransformerEncoderLayer(int dModel, int nhead, int dimFeedforward) {
        this(dModel, nhead, dimFeedforward, 0.1f, "relu", 1e-5, true, false, Seeds.next());
    }

    public TransformerEncoderLayer(int dModel, int nhead, int dimFeedforward, float dropout, String activation,
                                   double layerNormEps, boolean batchFirst, boolean normFirst, SplittableRandom random) {
        this.activation = FeedForwardBlock.checkActivation(activation);
        this.normFirst = normFirst;
        this.selfAttn = registerModule("self_attn", new MultiheadAttention(dModel, nhead, dropout, batchFirst, random));
        this.linear1 = registerModule("linear1", new Linear(dModel, dimFeedforward, true, random));
        this.dropout = registerModule("dropout", new Dropout(dropout, random.nextLong()));
        this.linear2 = registerModule("linear2", new Linear(dimFeedforward, dModel, true, random));
        this.norm1 = registerModule("norm1", new LayerNorm(dModel, layerNormEps));
        this.norm2 = registerModule("norm2", new LayerNorm(dModel, layerNormEps));
        this.dropout1 = registerModule("dropout1", new Dropout(dropout, random.nextLong()));
        this.dropout2 = registerModule("dropout2", new Dropout(dropout, random.nextLong()));
    }

    /** src: [B, T, E] (batch_first); mask options for the self-attention (causal, attn_mask, key padding). */
    public Tensor forward(Tensor src, MhaOptions mask) {
        MhaOptions o = (mask == null ? MhaOptions.NONE : mask).withNeedWeights(false);
        Tensor x = src;
        if (normFirst) {
            x = Arithmetic.add(x, selfAttention(norm1.forward(x), o));
            x = Arithmetic.add(x, feedForward(norm2.forward(x)));
        } else {
            x = norm1.forward(Arithmetic.add(x, selfAttention(x, o)));
            x = norm2.forward(Arithmetic.add(x, feedForward(x)));
        }
        return recordOutput(x);
    }

    public Tensor forward(Tensor src) {
        return forward(src, MhaOptions.NONE);
    }

    private Tensor selfAttention(Tensor x, MhaOptions o) {
        return dropout1.forward(selfAttn.forward(x, x, x, o).output());
    }

    private Tensor feedForward(Tensor x) {
        return dropout2.forward(FeedForwardBlock.apply(x, linear1, linear2, dropout, activation));
    }

    public MultiheadAttention selfAttn() {
        return selfAttn;
    }

    @Override
    public String describe() {
        return "activation=" + activation + (normFirst ? ", norm_first" : "");
    }
}
