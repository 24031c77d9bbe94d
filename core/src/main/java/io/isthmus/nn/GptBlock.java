package io.isthmus.nn;

import io.isthmus.ops.Attention;
import io.isthmus.ops.AttentionHeads;
import io.isthmus.ops.AttentionMask;
import io.isthmus.tensor.Seeds;
import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;


/**
 * A pre-norm GPT decoder block with the names of the W8 script's {@code Block}
 * ({@code ln1}, {@code qkv}, {@code proj}, {@code ln2}, {@code fc1}, {@code fc2}):
 * <pre>
 *   x = x + drop(proj(causal_attention(qkv(ln1(x)))))      h heads of d = E / h
 *   x = x + drop(fc2(GELU(fc1(ln2(x)))))                   E -> ff -> E, exact (erf) GELU
 * </pre>
 * x: [B, T, E] -> [B, T, E]. Attention is causal, scaled by 1/sqrt(d), with dropout on the
 * probabilities in training, on the fused {@link Attention#scaledDotProduct} (no T x T matrix is
 * kept); the norms are {@link LayerNorm}. {@link #forward(Tensor, KvCache.Entry)} runs new tokens
 * against the keys and values of the tokens before them, kept in a {@link KvCache}, for generation
 * one token at a time.
 */
public final class GptBlock extends Layer implements RandomState {


    private final int dModel;
    private final int heads;
    private final float attentionDropout;
    private final LayerNorm ln1;
    private final Linear qkv;
    private final Linear proj;
    private final LayerNorm ln2;
    private final Linear fc1;
    private final Linear fc2;
    private final GELU gelu = new GELU();
    private final Dropout residualDropout;
    private final DropoutSeeds dropoutSeeds;

    /**
     * Weights drawn as PyTorch draws them (layer norms 1 and 0, linears uniform in ±1/sqrt(in)),
     * from the global seeds, in the order ln1, qkv, proj, ln2, fc1, fc2.
     *
     * @param dropout on the attention probabilities and on both residual branches (training only), in [0, 1)
     */
    public GptBlock(int dModel, int heads, int ff, float dropout) {
        if (dModel < 1 || heads < 1 || ff < 1 || dModel % heads != 0) {
            throw new IllegalArgumentException("GptBlock needs d_model divisible by heads and positive sizes, got d_model "
                    + dModel + ", heads " + heads + ", ff " + ff);
        }
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException("GptBlock dropout must be in [0, 1), got " + dropout);
        }
        this.dModel = dModel;
        this.heads = heads;
        this.attentionDropout = dropout;
        this.ln1 = registerModule("ln1", new LayerNorm(dModel));
        this.qkv = registerModule("qkv", new Linear(dModel, 3 * dModel));
        this.proj = registerModule("proj", new Linear(dModel, dModel));
        this.ln2 = registerModule("ln2", new LayerNorm(dModel));
        this.fc1 = registerModule("fc1", new Linear(dModel, ff));
        this.fc2 = registerModule("fc2", new Linear(ff, dModel));
        // Registered, so that eval() turns it off and checkpoints keep its stream.
        this.residualDropout = registerModule("resid_drop", new Dropout(dropout));
        this.dropoutSeeds = new DropoutSeeds(Seeds.next().nextLong());
    }

    @Override
    protected Tensor compute(Tensor x) {
        return forward(x, null);
    }

    /**
     * x: [B, t, E], the tokens after the {@code cache.length()} tokens the cache holds (null: no
     * cache, the tokens start the sequence) -> [B, t, E]; their keys and values are appended to
     * the cache.
     */
    public Tensor forward(Tensor x, KvCache.Entry cache) {
        if (x.dim() != 3 || x.size(2) != dModel) {
            throw new IllegalArgumentException("GptBlock expects x [B, T, " + dModel + "], got " + Shape.str(x.shape()));
        }
        Tensor[] parts = AttentionHeads.split(qkv.forward(ln1.forward(x)), 3, heads);
        Tensor[] kv = cache == null ? new Tensor[]{parts[1], parts[2]} : cache.append(parts[1], parts[2]);
        // Causal is aligned to the last key: with a cache, new token i sees the cached ones and itself.
        float p = isTraining() ? attentionDropout : 0f;
        long callSeed = dropoutSeeds.next();
        Tensor attended = AttentionHeads.merge(
                Attention.scaledDotProduct(parts[0], kv[0], kv[1], AttentionMask.CAUSAL, p, callSeed));
        Tensor h = x.add(residualDropout.forward(proj.forward(attended)));
        return h.add(residualDropout.forward(fc2.forward(gelu.forward(fc1.forward(ln2.forward(h))))));
    }

    /** {seed, calls} of the attention dropout (the residual dropout is a submodule with its own). */
    @Override
    public long[] randomState() {
        return dropoutSeeds.state();
    }

    @Override
    public void setRandomState(long[] state) {
        dropoutSeeds.restore(state, "GptBlock");
    }

    public int dModel() {
        return dModel;
    }

    public int heads() {
        return heads;
    }

    public int ff() {
        return fc1.outFeatures();
    }

    @Override
    public String describe() {
        return "d_model=" + dModel + ", heads=" + heads + ", ff=" + ff();
    }
}
