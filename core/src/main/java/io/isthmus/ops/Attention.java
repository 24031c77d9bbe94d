package io.isthmus.ops;

import io.isthmus.kernels.attention.AttentionKernel;
import io.isthmus.kernels.attention.AttentionMasks;
import io.isthmus.tensor.GradMode;
import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

/**
 * Fused scaled dot-product attention, one autograd node: softmax(q k^T / sqrt(d) + mask) v,
 * with dropout on the probabilities, computed by {@link AttentionKernel#selected()} without a
 * Tq x Tk matrix (only the per-row log-sum-exp [B, h, Tq] is kept for the backward).
 */
public final class Attention {

    private Attention() {
    }

    /** {@link #scaledDotProduct(Tensor, Tensor, Tensor, AttentionMask, float, long)} without dropout. */
    public static Tensor scaledDotProduct(Tensor q, Tensor k, Tensor v, AttentionMask mask) {
        return scaledDotProduct(q, k, v, mask, 0f, 0L);
    }

    /**
     * q: [B, h, Tq, d], k: [B, h, Tk, d], v: [B, h, Tk, dv] -&gt; [B, h, Tq, dv]; scale 1/sqrt(d).
     * {@code mask} may be null (nothing masked); its additive part is a constant (no gradient).
     * A query row that sees no key gives zeros and passes no gradient. {@code dropout} in [0, 1)
     * on the probabilities (pass 0 in eval), element (b, h, i, j) kept or dropped as a pure
     * function of (seed, b, h, i, j), kept ones scaled by 1/(1-dropout).
     */
    public static Tensor scaledDotProduct(Tensor q, Tensor k, Tensor v, AttentionMask mask, float dropout, long seed) {
        int[] qs = q.shape();
        int[] ks = k.shape();
        int[] vs = v.shape();
        if (qs.length != 4 || ks.length != 4 || vs.length != 4) {
            throw new IllegalArgumentException("attention expects q [B, h, Tq, d], k [B, h, Tk, d], v [B, h, Tk, dv]"
                    + " (rank 4), got q " + Shape.str(qs) + ", k " + Shape.str(ks) + ", v " + Shape.str(vs));
        }
        if (qs[0] != ks[0] || qs[0] != vs[0] || qs[1] != ks[1] || qs[1] != vs[1] || qs[3] != ks[3] || ks[2] != vs[2]) {
            throw new IllegalArgumentException("attention shapes disagree (B, h equal; d of q and k equal; Tk of k"
                    + " and v equal): q " + Shape.str(qs) + ", k " + Shape.str(ks) + ", v " + Shape.str(vs));
        }
        if (qs[3] == 0) {
            throw new IllegalArgumentException("attention needs d > 0, got q " + Shape.str(qs));
        }
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException("attention dropout must be in [0, 1), got " + dropout);
        }
        int b = qs[0];
        int h = qs[1];
        int tq = qs[2];
        int d = qs[3];
        int tk = ks[2];
        int dv = vs[3];
        AttentionMask m = mask == null ? AttentionMask.NONE : mask;
        m.check(b, h, tq, tk);
        if (m.additive() != null && m.additive().requiresGrad() && GradMode.isEnabled()) {
            throw new IllegalArgumentException("the additive attention mask requires grad, but a mask is a constant "
                    + "here (no gradient flows into it): pass mask.detach(), or compute a learned bias outside the fused op");
        }
        AttentionMasks masks = kernelMasks(m);
        AttentionKernel kernel = AttentionKernel.selected();
        float[] out = new float[b * h * tq * dv];
        float[] lse = new float[b * h * tq];
        kernel.forward(b, h, tq, tk, d, dv, q.data(), k.data(), v.data(), masks, dropout, seed, out, lse);
        return Tensor.result(out, new int[] {b, h, tq, dv}, "scaled_dot_product_attention", (gradOut, grads) -> {
            float[] dq = grads.needs(q) ? grads.overwrite(q) : null;
            float[] dk = grads.needs(k) ? grads.overwrite(k) : null;
            float[] dvGrad = grads.needs(v) ? grads.overwrite(v) : null;
            if (dq == null && dk == null && dvGrad == null) {
                return;
            }
            kernel.backward(b, h, tq, tk, d, dv, q.data(), k.data(), v.data(), masks, dropout, seed, out, lse,
                    gradOut, dq, dk, dvGrad);
        }, q, k, v);
    }

    /** The mask in kernel form: additive as [B|1, h|1, Tq, Tk] (a [Tq, Tk] one broadcasts both). */
    private static AttentionMasks kernelMasks(AttentionMask m) {
        float[] additive = null;
        int addB = 1;
        int addH = 1;
        if (m.additive() != null) {
            additive = m.additive().data();
            int[] s = m.additive().shape();
            if (s.length == 4) {
                addB = s[0];
                addH = s[1];
            }
        }
        int[] padding = m.keyPadding() == null ? null : m.keyPadding().data();
        return new AttentionMasks(m.causal(), additive, addB, addH, padding);
    }
}
