package io.isthmus.nn;

import io.isthmus.ops.AttentionHeads;
import io.isthmus.ops.MatMul;
import io.isthmus.tensor.Seeds;
import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A pre-norm GPT decoder block with the names of the W8 script's {@code Block}
 * ({@code ln1}, {@code qkv}, {@code proj}, {@code ln2}, {@code fc1}, {@code fc2}):
 * <pre>
 *   x = x + drop(proj(causal_attention(qkv(ln1(x)))))      h heads of d = E / h
 *   x = x + drop(fc2(GELU(fc1(ln2(x)))))                   E -> ff -> E, exact (erf) GELU
 * </pre>
 * x: [B, T, E] -> [B, T, E]. Attention is causal, scaled by 1/sqrt(d), with dropout on the
 * probabilities in training. {@link #forward(Tensor, Cache)} runs new tokens against the keys and
 * values of the tokens before them, kept in a {@link Cache}, for generation one token at a time.
 *
 * <p>The attention is composed from matrix products and a softmax (the T x T scores are
 * materialized); the layer norm is composed from reductions.
 */
public final class GptBlock extends Layer implements RandomState {

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private final int dModel;
    private final int heads;
    private final float attentionDropout;
    private final Norm ln1;
    private final Linear qkv;
    private final Linear proj;
    private final Norm ln2;
    private final Linear fc1;
    private final Linear fc2;
    private final GELU gelu = new GELU();
    private final Dropout residualDropout;
    private long seed;
    private long calls;

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
        this.ln1 = registerModule("ln1", new Norm(dModel));
        this.qkv = registerModule("qkv", new Linear(dModel, 3 * dModel));
        this.proj = registerModule("proj", new Linear(dModel, dModel));
        this.ln2 = registerModule("ln2", new Norm(dModel));
        this.fc1 = registerModule("fc1", new Linear(dModel, ff));
        this.fc2 = registerModule("fc2", new Linear(ff, dModel));
        this.residualDropout = new Dropout(dropout);
        this.seed = Seeds.next().nextLong();
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
    public Tensor forward(Tensor x, Cache cache) {
        if (x.dim() != 3 || x.size(2) != dModel) {
            throw new IllegalArgumentException("GptBlock expects x [B, T, " + dModel + "], got " + Shape.str(x.shape()));
        }
        Tensor[] parts = AttentionHeads.split(qkv.forward(ln1.forward(x)), 3, heads);
        Tensor k = parts[1];
        Tensor v = parts[2];
        if (cache != null) {
            cache.append(k, v);
            k = cache.keys();
            v = cache.values();
        }
        Tensor attended = AttentionHeads.merge(attend(parts[0], k, v));
        Tensor h = x.add(residualDropout.forward(proj.forward(attended)));
        return h.add(residualDropout.forward(fc2.forward(gelu.forward(fc1.forward(ln2.forward(h))))));
    }

    /**
     * Causal attention of q [B, h, Tq, d] on k, v [B, h, Tk, d] (Tk &gt;= Tq; query i is token
     * Tk - Tq + i and sees keys 0 .. Tk - Tq + i) -> [B, h, Tq, d].
     */
    private Tensor attend(Tensor q, Tensor k, Tensor v) {
        int tq = q.size(2);
        int tk = k.size(2);
        float scale = (float) (1 / Math.sqrt(q.size(3)));
        Tensor scores = MatMul.matmul(q, false, k, true).mul(scale);
        if (tk > 1) {
            scores = scores.add(causalMask(tq, tk));
        }
        Tensor p = scores.softmax(3);
        if (isTraining() && attentionDropout > 0f) {
            p = io.isthmus.ops.Dropout.dropout(p, attentionDropout, new SplittableRandom(seed + calls * GOLDEN_GAMMA));
            calls++;
        }
        return p.matmul(v);
    }

    /** [Tq, Tk]: 0 where query i may see key j (j &lt;= i + Tk - Tq), -infinity elsewhere. */
    private static Tensor causalMask(int tq, int tk) {
        float[] mask = new float[tq * tk];
        for (int i = 0; i < tq; i++) {
            Arrays.fill(mask, i * tk + i + tk - tq + 1, (i + 1) * tk, Float.NEGATIVE_INFINITY);
        }
        return Tensor.of(mask, tq, tk);
    }

    /** {seed, calls} of the attention dropout, then the residual dropout's. */
    @Override
    public long[] randomState() {
        long[] residual = residualDropout.randomState();
        return new long[]{seed, calls, residual[0], residual[1]};
    }

    @Override
    public void setRandomState(long[] state) {
        if (state.length != 4 || state[1] < 0) {
            throw new IllegalArgumentException("GptBlock random state must be {seed, calls >= 0, residual seed, "
                    + "residual calls}, got " + Arrays.toString(state));
        }
        seed = state[0];
        calls = state[1];
        residualDropout.setRandomState(new long[]{state[2], state[3]});
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

    /** A new empty cache for this block. */
    public Cache newCache() {
        return new Cache();
    }

    /** The keys and values [B, h, n, d] of the n tokens a block has seen so far (no graph is kept). */
    public static final class Cache {
        private Tensor keys;
        private Tensor values;

        void append(Tensor k, Tensor v) {
            keys = keys == null ? k.detach() : Tensor.concat(2, keys, k.detach());
            values = values == null ? v.detach() : Tensor.concat(2, values, v.detach());
        }

        Tensor keys() {
            return keys;
        }

        Tensor values() {
            return values;
        }

        /** Tokens held. */
        public int length() {
            return keys == null ? 0 : keys.size(2);
        }
    }

    /**
     * Layer norm over the last axis, PyTorch's {@code nn.LayerNorm(E)} (eps 1e-5, {@code weight}
     * 1 and {@code bias} 0 at first), composed from reductions: x: [..., E] -> [..., E].
     */
    public static final class Norm extends Layer {
        private static final float EPS = 1e-5f;
        private final int size;
        private final Tensor weight;
        private final Tensor bias;

        public Norm(int size) {
            this.size = size;
            this.weight = registerParameter("weight", Tensor.ones(size));
            this.bias = registerParameter("bias", Tensor.zeros(size));
        }

        @Override
        protected Tensor compute(Tensor x) {
            if (x.dim() < 1 || x.size(x.dim() - 1) != size) {
                throw new IllegalArgumentException("layer norm of " + size + " features got " + Shape.str(x.shape()));
            }
            int last = x.dim() - 1;
            Tensor centered = x.sub(x.mean(last, true));
            Tensor variance = centered.mul(centered).mean(last, true);
            return centered.div(variance.add(EPS).sqrt()).mul(weight).add(bias);
        }

        @Override
        public String describe() {
            return "(" + size + ",)";
        }
    }
}
