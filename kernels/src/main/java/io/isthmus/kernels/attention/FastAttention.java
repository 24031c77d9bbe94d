package io.isthmus.kernels.attention;

import io.isthmus.kernels.Threads;
import io.isthmus.kernels.elementwise.Elementwise;

import java.util.Arrays;

/**
 * Streaming attention (the FlashAttention idea, one query row at a time): each query row walks
 * its visible keys in blocks with an online softmax (running max and sum, the output
 * accumulator rescaled when the max grows), so no Tq x Tk matrix is ever held; the row's
 * log-sum-exp is saved and the backward recomputes each probability as exp(s - lse) (dV += P^T
 * dO, dP = dO V^T, dS = P * (dP - rowsum(dO * O)), dQ += dS K * scale, dK += dS^T Q * scale).
 * Causal rows stop at their last visible key, so the keys above the diagonal cost nothing. The
 * (b, h) slices run in parallel on {@link Threads}; each writes only its own slices.
 * Extra memory: O(Tk_block + dv) floats per task.
 */
final class FastAttention extends AttentionKernel {

    private static final int KEY_BLOCK = 64;

    /** The q.k dot products and the rank-1 updates of the accumulators run on its vector lanes. */
    private final Elementwise ew;

    FastAttention(Elementwise ew) {
        this.ew = ew;
    }

    @Override
    public String name() {
        return "fast";
    }

    @Override
    void runForward(int b, int h, int tq, int tk, int d, int dv, float[] q, float[] k, float[] v,
                    AttentionMasks masks, float dropout, long seed, float[] out, float[] lse) {
        float scale = (float) (1.0 / Math.sqrt(d));
        float keepScale = 1f / (1f - dropout);
        Threads.parallelFor(b * h, bh -> {
            int bb = bh / h;
            int hh = bh % h;
            float[] s = new float[KEY_BLOCK];
            float[] acc = new float[dv];
            for (int i = 0; i < tq; i++) {
                int qRow = (bh * tq + i) * d;
                int limit = masks.keyLimit(i, tq, tk);
                int addRow = masks.additive() == null ? -1 : masks.additiveRow(bb, hh, i, tq, tk);
                Arrays.fill(acc, 0f);
                float m = Float.NEGATIVE_INFINITY;
                float l = 0f;
                for (int j0 = 0; j0 < limit; j0 += KEY_BLOCK) {
                    int n = Math.min(KEY_BLOCK, limit - j0);
                    float blockMax = Float.NEGATIVE_INFINITY;
                    for (int t = 0; t < n; t++) {
                        int j = j0 + t;
                        float sc = score(q, qRow, k, (bh * tk + j) * d, d, scale, masks, addRow, bb, tk, j);
                        s[t] = sc;
                        blockMax = Math.max(blockMax, sc);
                    }
                    if (blockMax == Float.NEGATIVE_INFINITY) {
                        continue;
                    }
                    float newM = Math.max(m, blockMax);
                    if (newM > m && m != Float.NEGATIVE_INFINITY) {
                        float corr = (float) Math.exp(m - newM);
                        l *= corr;
                        for (int c = 0; c < dv; c++) {
                            acc[c] *= corr;
                        }
                    }
                    m = newM;
                    for (int t = 0; t < n; t++) {
                        float e = (float) Math.exp(s[t] - m);
                        l += e;
                        if (dropout != 0f) {
                            long index = ((long) bh * tq + i) * tk + j0 + t;
                            e = AttentionDropout.keep(seed, index, dropout) ? e * keepScale : 0f;
                        }
                        if (e != 0f) {
                            int vRow = (bh * tk + j0 + t) * dv;
                            for (int c = 0; c < dv; c++) {
                                acc[c] += e * v[vRow + c];
                            }
                        }
                    }
                }
                int oRow = (bh * tq + i) * dv;
                if (m == Float.NEGATIVE_INFINITY) {
                    Arrays.fill(out, oRow, oRow + dv, 0f);
                    lse[bh * tq + i] = Float.NEGATIVE_INFINITY;
                } else {
                    float inv = 1f / l;
                    for (int c = 0; c < dv; c++) {
                        out[oRow + c] = acc[c] * inv;
                    }
                    lse[bh * tq + i] = m + (float) Math.log(l);
                }
            }
        });
    }

    /** The scaled, masked score of query row qRow against key row kRow; -infinity when hidden. */
    private float score(float[] q, int qRow, float[] k, int kRow, int d, float scale, AttentionMasks masks,
                               int addRow, int b, int tk, int j) {
        if (masks.keyPadding() != null && masks.keyPadding()[b * tk + j] != 0) {
            return Float.NEGATIVE_INFINITY;
        }
        float sc = ew.dot(q, qRow, k, kRow, d) * scale;
        return addRow < 0 ? sc : sc + masks.additive()[addRow + j];
    }

    @Override
    void runBackward(int b, int h, int tq, int tk, int d, int dv, float[] q, float[] k, float[] v,
                     AttentionMasks masks, float dropout, long seed, float[] out, float[] lse,
                     float[] dOut, float[] dq, float[] dk, float[] dvOut) {
        float scale = (float) (1.0 / Math.sqrt(d));
        float keepScale = 1f / (1f - dropout);
        Threads.parallelFor(b * h, bh -> {
            int bb = bh / h;
            int hh = bh % h;
            if (dq != null) {
                Arrays.fill(dq, bh * tq * d, (bh + 1) * tq * d, 0f);
            }
            if (dk != null) {
                Arrays.fill(dk, bh * tk * d, (bh + 1) * tk * d, 0f);
            }
            if (dvOut != null) {
                Arrays.fill(dvOut, bh * tk * dv, (bh + 1) * tk * dv, 0f);
            }
            for (int i = 0; i < tq; i++) {
                float rowLse = lse[bh * tq + i];
                if (rowLse == Float.NEGATIVE_INFINITY) {
                    continue; // no visible key: zero output, zero gradients
                }
                int qRow = (bh * tq + i) * d;
                int oRow = (bh * tq + i) * dv;
                int limit = masks.keyLimit(i, tq, tk);
                int addRow = masks.additive() == null ? -1 : masks.additiveRow(bb, hh, i, tq, tk);
                float rowDot = ew.dot(dOut, oRow, out, oRow, dv); // rowsum(dO * O) = sum_j P_ij dP_ij
                for (int j = 0; j < limit; j++) {
                    int kRow = (bh * tk + j) * d;
                    int vRow = (bh * tk + j) * dv;
                    float sc = score(q, qRow, k, kRow, d, scale, masks, addRow, bb, tk, j);
                    if (sc == Float.NEGATIVE_INFINITY) {
                        continue;
                    }
                    float p = (float) Math.exp(sc - rowLse);
                    float factor = 1f;
                    if (dropout != 0f) {
                        long index = ((long) bh * tq + i) * tk + j;
                        factor = AttentionDropout.keep(seed, index, dropout) ? keepScale : 0f;
                    }
                    float dp = 0f;
                    if (factor != 0f) {
                        dp = ew.dot(dOut, oRow, v, vRow, dv) * factor;
                        if (dvOut != null) {
                            ew.axpy(p * factor, dOut, oRow, dvOut, vRow, dv);
                        }
                    }
                    float ds = p * (dp - rowDot) * scale;
                    if (dq != null) {
                        ew.axpy(ds, k, kRow, dq, qRow, d);
                    }
                    if (dk != null) {
                        ew.axpy(ds, q, qRow, dk, kRow, d);
                    }
                }
            }
        });
    }
}
