package io.isthmus.kernels.attention;

import io.isthmus.kernels.Backend;
import io.isthmus.kernels.Kernels;

/**
 * Scaled dot-product attention on flat float arrays, forward and backward:
 * q: [B, h, Tq, d], k: [B, h, Tk, d], v: [B, h, Tk, dv], out: [B, h, Tq, dv], lse: [B, h, Tq]
 * (the per-row log-sum-exp of the masked, scaled scores; -infinity for a row that sees no key,
 * whose output is zero and whose gradients are zero). Scale 1/sqrt(d); dropout p on the
 * probabilities, element (b, h, i, j) kept by {@link AttentionDropout#keep} and kept ones
 * scaled by 1/(1-p).
 *
 * <p>Two implementations with one contract: {@link FastAttention} (tiles of GEMMs with a streaming
 * softmax, no Tq x Tk matrix, backward recomputes the probabilities from lse) and {@link ScalarAttention}
 * (materialized scores and softmax, the oracle).
 */
public abstract class AttentionKernel {

    AttentionKernel() {
    }

    /** The streaming kernel; the scalar twin under {@code -Disthmus.backend=reference}. */
    public static AttentionKernel selected() {
        return Holder.SELECTED;
    }

    /** The streaming kernel. */
    public static AttentionKernel fast() {
        return Holder.FAST;
    }

    /** Materialized scores, straight loops. */
    public static AttentionKernel scalar() {
        return Holder.SCALAR;
    }

    private static final class Holder {
        static final AttentionKernel FAST = new FastAttention(Kernels.gemm(), Kernels.elementwise());
        static final AttentionKernel SCALAR = new ScalarAttention();
        static final AttentionKernel SELECTED = Kernels.backend() == Backend.REFERENCE ? SCALAR : FAST;
    }

    /** Short name: fast, scalar. */
    public abstract String name();

    /**
     * Writes out [B, h, Tq, dv] and lse [B, h, Tq] whole.
     *
     * @param q [B, h, Tq, d]
     * @param k [B, h, Tk, d]
     * @param v [B, h, Tk, dv]
     */
    public final void forward(int b, int h, int tq, int tk, int d, int dv, float[] q, float[] k, float[] v,
                              AttentionMasks masks, float dropout, long seed, float[] out, float[] lse) {
        check(b, h, tq, tk, d, dv, q, k, v, masks, dropout);
        checkLength("out", out, (long) b * h * tq * dv);
        checkLength("lse", lse, (long) b * h * tq);
        runForward(b, h, tq, tk, d, dv, q, k, v, masks, dropout, seed, out, lse);
    }

    /**
     * The gradients of sum(out * dOut) into dq [B, h, Tq, d], dk [B, h, Tk, d], dv [B, h, Tk, dv]
     * (each written whole, or skipped when null), from the forward's inputs, out and lse.
     */
    public final void backward(int b, int h, int tq, int tk, int d, int dv, float[] q, float[] k, float[] v,
                               AttentionMasks masks, float dropout, long seed, float[] out, float[] lse,
                               float[] dOut, float[] dq, float[] dk, float[] dvOut) {
        check(b, h, tq, tk, d, dv, q, k, v, masks, dropout);
        checkLength("out", out, (long) b * h * tq * dv);
        checkLength("lse", lse, (long) b * h * tq);
        checkLength("dOut", dOut, (long) b * h * tq * dv);
        if (dq != null) {
            checkLength("dq", dq, (long) b * h * tq * d);
        }
        if (dk != null) {
            checkLength("dk", dk, (long) b * h * tk * d);
        }
        if (dvOut != null) {
            checkLength("dv", dvOut, (long) b * h * tk * dv);
        }
        runBackward(b, h, tq, tk, d, dv, q, k, v, masks, dropout, seed, out, lse, dOut, dq, dk, dvOut);
    }

    abstract void runForward(int b, int h, int tq, int tk, int d, int dv, float[] q, float[] k, float[] v,
                             AttentionMasks masks, float dropout, long seed, float[] out, float[] lse);

    abstract void runBackward(int b, int h, int tq, int tk, int d, int dv, float[] q, float[] k, float[] v,
                              AttentionMasks masks, float dropout, long seed, float[] out, float[] lse,
                              float[] dOut, float[] dq, float[] dk, float[] dvOut);

    private static void check(int b, int h, int tq, int tk, int d, int dv, float[] q, float[] k, float[] v,
                              AttentionMasks masks, float dropout) {
        if (b < 0 || h < 0 || tq < 0 || tk < 0 || d <= 0 || dv < 0) {
            throw new IllegalArgumentException("attention sizes must be non-negative (d positive): B " + b + ", h " + h
                    + ", Tq " + tq + ", Tk " + tk + ", d " + d + ", dv " + dv);
        }
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException("attention dropout must be in [0, 1), got " + dropout);
        }
        checkLength("q", q, (long) b * h * tq * d);
        checkLength("k", k, (long) b * h * tk * d);
        checkLength("v", v, (long) b * h * tk * dv);
        if (masks == null) {
            throw new IllegalArgumentException("attention masks are null; pass AttentionMasks.NONE for no mask");
        }
        if (masks.additive() != null && ((masks.addBatches() != 1 && masks.addBatches() != b)
                || (masks.addHeads() != 1 && masks.addHeads() != h))) {
            throw new IllegalArgumentException("additive mask of " + masks.addBatches() + " batches x " + masks.addHeads()
                    + " heads does not broadcast to " + b + " x " + h + ": each must be 1 or equal");
        }
        if (masks.additive() != null) {
            checkLength("additive mask", masks.additive(), (long) masks.addBatches() * masks.addHeads() * tq * tk);
        }
        if (masks.keyPadding() != null && masks.keyPadding().length != (long) b * tk) {
            throw new IllegalArgumentException("key padding has " + masks.keyPadding().length + " ints, expected "
                    + ((long) b * tk));
        }
    }

    private static void checkLength(String what, float[] a, long expected) {
        if (a == null || a.length != expected) {
            throw new IllegalArgumentException(what + " has " + (a == null ? "no array" : a.length + " floats")
                    + ", expected " + expected);
        }
    }
}
