package io.isthmus.nn;

import io.isthmus.ops.Attention;
import io.isthmus.ops.AttentionHeads;
import io.isthmus.ops.AttentionMask;
import io.isthmus.ops.ShapeOps;
import io.isthmus.ops.Views;
import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Seeds;
import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

import java.util.SplittableRandom;

/**
 * PyTorch's {@code nn.MultiheadAttention(embed_dim, num_heads, dropout, batch_first)} with
 * kdim = vdim = embed_dim. Parameters as PyTorch names them: {@code in_proj_weight} [3E, E] (rows
 * q, k, v; xavier_uniform), {@code in_proj_bias} [3E] (zeros), {@code out_proj.weight} [E, E]
 * (Linear's init) and {@code out_proj.bias} [E] (zeros). The attention is the fused
 * {@link Attention#scaledDotProduct} (dropout on the probabilities in training only).
 * <p>Unlike PyTorch, whose default is batch_first=False, the short constructor is batch_first
 * (x: [B, T, E]); pass batchFirst false to the long one for time-first [T, B, E] tensors.
 */
public class MultiheadAttention extends Module implements RandomState {

    private final int embedDim;
    private final int numHeads;
    private final float dropout;
    private final boolean batchFirst;
    private final Tensor inProjWeight;
    private final Tensor inProjBias;
    private final Linear outProj;
    private final DropoutSeeds dropoutSeeds;

    /** batch_first, no dropout. */
    public MultiheadAttention(int embedDim, int numHeads) {
        this(embedDim, numHeads, 0f, true, Seeds.next());
    }

    public MultiheadAttention(int embedDim, int numHeads, float dropout, boolean batchFirst, SplittableRandom random) {
        if (embedDim <= 0 || numHeads <= 0 || embedDim % numHeads != 0) {
            throw new IllegalArgumentException("MultiheadAttention needs embed_dim divisible by num_heads (both positive), got embed_dim="
                    + embedDim + ", num_heads=" + numHeads);
        }
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException("MultiheadAttention dropout must be in [0, 1), got " + dropout);
        }
        this.embedDim = embedDim;
        this.numHeads = numHeads;
        this.dropout = dropout;
        this.batchFirst = batchFirst;
        float bound = (float) Math.sqrt(6.0 / (embedDim + 3.0 * embedDim));
        this.inProjWeight = registerParameter("in_proj_weight", Tensor.uniform(random, -bound, bound, 3 * embedDim, embedDim));
        this.inProjBias = registerParameter("in_proj_bias", Tensor.zeros(3 * embedDim));
        this.outProj = registerModule("out_proj", new Linear(embedDim, embedDim, true, random));
        java.util.Arrays.fill(outProj.bias().data(), 0f);
        this.dropoutSeeds = new DropoutSeeds(random.nextLong());
    }

    /**
     * query: [B, Tq, E], key and value: [B, Tk, E] (time first, [T, B, E], when not batch_first).
     */
    public MhaOutput forward(Tensor query, Tensor key, Tensor value, MhaOptions options) {
        MhaOptions o = options == null ? MhaOptions.NONE : options;
        boolean self = query == key && key == value;
        Tensor q = batchFirst ? query : ShapeOps.transpose(query, 0, 1);
        Tensor k = self ? q : batchFirst ? key : ShapeOps.transpose(key, 0, 1);
        Tensor v = self ? q : batchFirst ? value : ShapeOps.transpose(value, 0, 1);
        checkShapes(q, k, v);
        int b = q.size(0);
        int tq = q.size(1);
        int tk = k.size(1);
        Tensor qh;
        Tensor kh;
        Tensor vh;
        if (self) {
            // Self-attention: one product with the whole in_proj, cut straight into heads.
            Tensor[] qkv = AttentionHeads.split(io.isthmus.ops.Linear.linear(q, inProjWeight, inProjBias), 3, numHeads);
            qh = qkv[0];
            kh = qkv[1];
            vh = qkv[2];
        } else {
            qh = heads(project(q, 0));
            kh = heads(project(k, 1));
            vh = heads(project(v, 2));
        }
        AttentionMask mask = mask(o, b, tq, tk);
        float p = isTraining() ? dropout : 0f;
        long callSeed = dropoutSeeds.next();
        Tensor attended = Attention.scaledDotProduct(qh, kh, vh, mask, p, callSeed);
        Tensor merged = AttentionHeads.merge(attended);
        Tensor out = outProj.forward(merged);
        if (!batchFirst) {
            out = ShapeOps.transpose(out, 0, 1);
        }
        Tensor weights = o.needWeights() ? averagedWeights(qh, kh, mask) : null;
        return new MhaOutput(recordOutput(out), weights);
    }

    /**
     * Causal self-attention of new steps x: [B, tNew, E] (batch_first only) over the cached
     * positions and themselves: their keys and values are appended to {@code cache}, and new step i
     * (absolute position past + i) sees keys 0 .. past + i. Equals the rows past .. past + tNew - 1
     * of a causal forward over the whole prefix.
     */
    public Tensor forwardCached(Tensor x, KvCache.Entry cache) {
        if (!batchFirst) {
            throw new IllegalArgumentException("forwardCached needs a batch_first MultiheadAttention");
        }
        checkShapes(x, x, x);
        Tensor[] qkv = AttentionHeads.split(io.isthmus.ops.Linear.linear(x, inProjWeight, inProjBias), 3, numHeads);
        Tensor qh = qkv[0];
        Tensor[] kv = cache.append(qkv[1], qkv[2]);
        // Causal masks align to the last key: new step i sees keys 0 .. past + i.
        float p = isTraining() ? dropout : 0f;
        long callSeed = dropoutSeeds.next();
        Tensor attended = Attention.scaledDotProduct(qh, kv[0], kv[1], AttentionMask.CAUSAL, p, callSeed);
        Tensor merged = AttentionHeads.merge(attended);
        return recordOutput(outProj.forward(merged));
    }

    /** Self-attention without masks: forward(x, x, x, NONE).output(). */
    public Tensor forward(Tensor x) {
        return forward(x, x, x, MhaOptions.NONE).output();
    }

    private void checkShapes(Tensor q, Tensor k, Tensor v) {
        String layout = batchFirst ? "[B, T, E]" : "[T, B, E]";
        if (q.dim() != 3 || k.dim() != 3 || v.dim() != 3 || q.size(2) != embedDim || k.size(2) != embedDim
                || v.size(2) != embedDim || q.size(0) != k.size(0) || k.size(0) != v.size(0) || k.size(1) != v.size(1)) {
            throw new IllegalArgumentException("MultiheadAttention(embed_dim=" + embedDim + ") expects query, key, value "
                    + layout + " with E = " + embedDim + ", equal B and equal key/value T; got query "
                    + Shape.str(batchFirst ? q.shape() : swap(q.shape())) + ", key " + Shape.str(batchFirst ? k.shape() : swap(k.shape()))
                    + ", value " + Shape.str(batchFirst ? v.shape() : swap(v.shape())));
        }
    }

    private static int[] swap(int[] s) {
        int[] t = s.clone();
        if (t.length >= 2) {
            t[0] = s[1];
            t[1] = s[0];
        }
        return t;
    }

    /** x [B, T, E] times the which-th block (q, k, v) of in_proj. */
    private Tensor project(Tensor x, int which) {
        return io.isthmus.ops.Linear.linear(x, Views.narrow(inProjWeight, 0, which * embedDim, embedDim),
                Views.narrow(inProjBias, 0, which * embedDim, embedDim));
    }

    /** [B, T, E] -> [B, h, T, E/h]. */
    private Tensor heads(Tensor x) {
        return AttentionHeads.split(x, 1, numHeads)[0];
    }

    private AttentionMask mask(MhaOptions o, int b, int tq, int tk) {
        Tensor additive = o.attnMask();
        if (o.attnMaskBool() != null) {
            IndexTensor m = o.attnMaskBool();
            float[] a = new float[m.numel()];
            int[] d = m.data();
            for (int i = 0; i < a.length; i++) {
                a[i] = d[i] != 0 ? Float.NEGATIVE_INFINITY : 0f;
            }
            additive = Tensor.of(a, m.shape());
        }
        if (additive != null && additive.dim() == 3) {
            if (additive.size(0) != b * numHeads) {
                throw new IllegalArgumentException("attn_mask " + Shape.str(additive.shape()) + " must be [" + tq + ", " + tk
                        + "] or [B*num_heads = " + (b * numHeads) + ", " + tq + ", " + tk + "]");
            }
            additive = ShapeOps.reshape(additive, b, numHeads, additive.size(1), additive.size(2));
        }
        AttentionMask mask = new AttentionMask(o.isCausal(), additive, o.keyPaddingMask());
        mask.check(b, numHeads, tq, tk);
        return mask;
    }

    /** softmax(q k^T / sqrt(d) + mask) averaged over heads, [B, Tq, Tk], detached; rows seeing no key are 0. */
    private Tensor averagedWeights(Tensor qh, Tensor kh, AttentionMask mask) {
        Tensor q = qh;
        Tensor k = kh;
        int b = q.size(0);
        int h = q.size(1);
        int tq = q.size(2);
        int d = q.size(3);
        int tk = k.size(2);
        float[] qd = q.data();
        float[] kd = k.data();
        float[] out = new float[b * tq * tk];
        double scale = 1 / Math.sqrt(d);
        double[] row = new double[tk];
        for (int bi = 0; bi < b; bi++) {
            for (int hi = 0; hi < h; hi++) {
                for (int i = 0; i < tq; i++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < tk; j++) {
                        double s = Double.NEGATIVE_INFINITY;
                        boolean visible = !(mask.causal() && j > i + tk - tq)
                                && (mask.keyPadding() == null || mask.keyPadding().data()[bi * tk + j] == 0);
                        if (visible) {
                            s = 0;
                            for (int c = 0; c < d; c++) {
                                s += (double) qd[((bi * h + hi) * tq + i) * d + c] * kd[((bi * h + hi) * tk + j) * d + c];
                            }
                            s = s * scale + additive(mask.additive(), bi, hi, i, j);
                        }
                        row[j] = s;
                        max = Math.max(max, s);
                    }
                    if (max == Double.NEGATIVE_INFINITY) {
                        continue;
                    }
                    double sum = 0;
                    for (int j = 0; j < tk; j++) {
                        row[j] = Math.exp(row[j] - max);
                        sum += row[j];
                    }
                    for (int j = 0; j < tk; j++) {
                        out[(bi * tq + i) * tk + j] += (float) (row[j] / sum / h);
                    }
                }
            }
        }
        return Tensor.of(out, b, tq, tk);
    }

    private static double additive(Tensor m, int b, int h, int i, int j) {
        if (m == null) {
            return 0;
        }
        int[] s = m.shape();
        if (s.length == 2) {
            return m.data()[i * s[1] + j];
        }
        int bb = s[0] == 1 ? 0 : b;
        int hh = s[1] == 1 ? 0 : h;
        return m.data()[((bb * s[1] + hh) * s[2] + i) * s[3] + j];
    }

    /** {seed, calls} of the attention dropout: the mask of the next training call comes from both. */
    @Override
    public long[] randomState() {
        return dropoutSeeds.state();
    }

    @Override
    public void setRandomState(long[] state) {
        dropoutSeeds.restore(state, "MultiheadAttention");
    }

    public Tensor inProjWeight() {
        return inProjWeight;
    }

    public Tensor inProjBias() {
        return inProjBias;
    }

    public Linear outProj() {
        return outProj;
    }

    public int embedDim() {
        return embedDim;
    }

    public int numHeads() {
        return numHeads;
    }

    @Override
    public String describe() {
        return "embed_dim=" + embedDim + ", num_heads=" + numHeads + (dropout > 0 ? ", dropout=" + dropout : "")
                + (batchFirst ? ", batch_first" : "");
    }
}
