package io.isthmus.kernels.attention;

import io.isthmus.kernels.Threads;
import io.isthmus.kernels.elementwise.Elementwise;
import io.isthmus.kernels.gemm.Gemm;

import java.util.Arrays;

/**
 * Blocked streaming attention (FlashAttention-2's loop order on the CPU). Per (b, h) slice, a
 * block of query rows meets the keys one block at a time: S = scale Q_i K_j^T is one GEMM into
 * a [rows, cols] tile, an online softmax keeps each row's running max m and sum l (the output
 * rows rescaled by exp(m_old - m_new) when the max grows), and O_i += P V_j is a second GEMM.
 * No Tq x Tk matrix exists: the extra memory is two tiles per thread plus O(Tq) row statistics.
 * The row's log-sum-exp m + log l is saved for backward, which recomputes each tile of
 * probabilities as P = exp(S - lse) and runs five GEMMs on it (dV_j += P^T dO_i,
 * dP = dO_i V_j^T, dS = P * (dP - rowsum(dO * O)), dK_j += scale dS^T Q_i,
 * dQ_i += scale dS K_j). Causal query blocks stop at their last visible key, so the tiles above
 * the diagonal are never computed. The (b, h) slices run in parallel on {@link Threads}; each
 * writes only its own slices, and the GEMMs inside a task stay on its thread.
 */
final class FastAttention extends AttentionKernel {

    /**
     * Query rows and keys per tile. Larger tiles mean fewer, larger GEMMs (less packing per flop):
     * W4 fwdbwd measured 54 ms with 128 x 128, 45 with 256 x 128, 39 with 256 x 256; two tiles of
     * 256 KB each per thread, whatever T (the memory stays linear in T).
     */
    static final int QUERY_BLOCK = 256;
    static final int KEY_BLOCK = 256;
    /** Causal query blocks are shorter, so that the tiles above the diagonal are skipped (W4 causal fwdbwd: 43 ms with 256 rows, 34 with 128, 34 with 64). */
    static final int CAUSAL_QUERY_BLOCK = 128;

    private static final ThreadLocal<Tiles> TILES = ThreadLocal.withInitial(Tiles::new);

    private final Gemm gemm;
    private final Elementwise elementwise;

    FastAttention(Gemm gemm, Elementwise elementwise) {
        this.gemm = gemm;
        this.elementwise = elementwise;
    }

    @Override
    public String name() {
        return "fast";
    }

    @Override
    void runForward(int b, int h, int tq, int tk, int d, int dv, float[] q, float[] k, float[] v,
                    AttentionMasks masks, float dropout, long seed, float[] out, float[] lse) {
        float scale = (float) (1.0 / Math.sqrt(d));
        int queryBlock = masks.causal() ? CAUSAL_QUERY_BLOCK : QUERY_BLOCK;
        Threads.parallelFor(b * h, bh -> {
            Tiles tiles = TILES.get();
            float[] s = tiles.s;
            float[] rowMax = tiles.rowStat;
            float[] rowSum = tiles.rowStat2;
            for (int i0 = 0; i0 < tq; i0 += queryBlock) {
                int rows = Math.min(queryBlock, tq - i0);
                int oBlock = (bh * tq + i0) * dv;
                Arrays.fill(out, oBlock, oBlock + rows * dv, 0f);
                Arrays.fill(rowMax, 0, rows, Float.NEGATIVE_INFINITY);
                Arrays.fill(rowSum, 0, rows, 0f);
                int keyEnd = masks.keyLimit(i0 + rows - 1, tq, tk);
                for (int j0 = 0; j0 < keyEnd; j0 += KEY_BLOCK) {
                    int cols = Math.min(KEY_BLOCK, keyEnd - j0);
                    scores(bh, h, tq, tk, d, i0, rows, j0, cols, scale, q, k, masks, s);
                    for (int r = 0; r < rows; r++) {
                        int sRow = r * cols;
                        float tileMax = elementwise.max(s, sRow, cols);
                        if (tileMax == Float.NEGATIVE_INFINITY) {
                            Arrays.fill(s, sRow, sRow + cols, 0f); // no visible key in this tile
                            continue;
                        }
                        float oldMax = rowMax[r];
                        if (tileMax > oldMax) {
                            if (oldMax != Float.NEGATIVE_INFINITY) {
                                float correction = (float) Math.exp(oldMax - tileMax);
                                rowSum[r] *= correction;
                                int oRow = oBlock + r * dv;
                                elementwise.scale(correction, out, oRow, out, oRow, dv);
                            }
                            rowMax[r] = tileMax;
                        }
                        rowSum[r] += elementwise.expShifted(s, sRow, rowMax[r], s, sRow, cols);
                        if (dropout != 0f) {
                            dropOut(s, sRow, cols, seed, ((long) bh * tq + i0 + r) * tk + j0, dropout);
                        }
                    }
                    // O_i += P V_j
                    gemm.sgemm(false, false, rows, dv, cols, 1f, s, 0, cols, v, (bh * tk + j0) * dv, dv,
                            1f, out, oBlock, dv);
                }
                for (int r = 0; r < rows; r++) {
                    int oRow = oBlock + r * dv;
                    if (rowMax[r] == Float.NEGATIVE_INFINITY) {
                        Arrays.fill(out, oRow, oRow + dv, 0f);
                        lse[bh * tq + i0 + r] = Float.NEGATIVE_INFINITY;
                    } else {
                        elementwise.scale(1f / rowSum[r], out, oRow, out, oRow, dv);
                        lse[bh * tq + i0 + r] = rowMax[r] + (float) Math.log(rowSum[r]);
                    }
                }
            }
        });
    }

    @Override
    void runBackward(int b, int h, int tq, int tk, int d, int dv, float[] q, float[] k, float[] v,
                     AttentionMasks masks, float dropout, long seed, float[] out, float[] lse,
                     float[] dOut, float[] dq, float[] dk, float[] dvOut) {
        float scale = (float) (1.0 / Math.sqrt(d));
        float keepScale = 1f / (1f - dropout);
        int queryBlock = masks.causal() ? CAUSAL_QUERY_BLOCK : QUERY_BLOCK;
        Threads.parallelFor(b * h, bh -> {
            Tiles tiles = TILES.get();
            float[] p = tiles.s;
            float[] dp = tiles.ds;
            float[] rowDot = tiles.rowStat;
            if (dq != null) {
                Arrays.fill(dq, bh * tq * d, (bh + 1) * tq * d, 0f);
            }
            if (dk != null) {
                Arrays.fill(dk, bh * tk * d, (bh + 1) * tk * d, 0f);
            }
            if (dvOut != null) {
                Arrays.fill(dvOut, bh * tk * dv, (bh + 1) * tk * dv, 0f);
            }
            for (int i0 = 0; i0 < tq; i0 += queryBlock) {
                int rows = Math.min(queryBlock, tq - i0);
                int qBlock = (bh * tq + i0) * d;
                int oBlock = (bh * tq + i0) * dv;
                // rowsum(dO * O) = sum_j P_ij dP_ij, the softmax backward's per-row term
                for (int r = 0; r < rows; r++) {
                    rowDot[r] = elementwise.dot(dOut, oBlock + r * dv, out, oBlock + r * dv, dv);
                }
                int keyEnd = masks.keyLimit(i0 + rows - 1, tq, tk);
                for (int j0 = 0; j0 < keyEnd; j0 += KEY_BLOCK) {
                    int cols = Math.min(KEY_BLOCK, keyEnd - j0);
                    int kBlock = (bh * tk + j0) * d;
                    int vBlock = (bh * tk + j0) * dv;
                    scores(bh, h, tq, tk, d, i0, rows, j0, cols, scale, q, k, masks, p);
                    for (int r = 0; r < rows; r++) {
                        float rowLse = lse[bh * tq + i0 + r];
                        if (rowLse == Float.NEGATIVE_INFINITY) {
                            Arrays.fill(p, r * cols, (r + 1) * cols, 0f); // no visible key: no gradient
                        } else {
                            elementwise.expShifted(p, r * cols, rowLse, p, r * cols, cols);
                        }
                    }
                    // dP = dO_i V_j^T
                    gemm.sgemm(false, true, rows, cols, dv, 1f, dOut, oBlock, dv, v, vBlock, dv, 0f, dp, 0, cols);
                    if (dropout != 0f) {
                        // The forward used P * keep / (1 - p): dV sees those, dP flows back through the same factor.
                        long first = ((long) bh * tq + i0) * tk + j0;
                        float[] kept = tiles.kept(rows * cols);
                        for (int r = 0; r < rows; r++) {
                            for (int c = 0; c < cols; c++) {
                                float factor = AttentionDropout.keep(seed, first + (long) r * tk + c, dropout) ? keepScale : 0f;
                                kept[r * cols + c] = p[r * cols + c] * factor;
                                dp[r * cols + c] *= factor;
                            }
                        }
                        if (dvOut != null) {
                            gemm.sgemm(true, false, cols, dv, rows, 1f, kept, 0, cols, dOut, oBlock, dv,
                                    1f, dvOut, vBlock, dv);
                        }
                    } else if (dvOut != null) {
                        // dV_j += P^T dO_i
                        gemm.sgemm(true, false, cols, dv, rows, 1f, p, 0, cols, dOut, oBlock, dv, 1f, dvOut, vBlock, dv);
                    }
                    // dS = P * (dP - rowDot); the score scale goes into the GEMMs' alpha
                    for (int r = 0; r < rows; r++) {
                        elementwise.addScalar(-rowDot[r], dp, r * cols, dp, r * cols, cols);
                    }
                    elementwise.mul(p, 0, dp, 0, dp, 0, rows * cols);
                    if (dk != null) {
                        gemm.sgemm(true, false, cols, d, rows, scale, dp, 0, cols, q, qBlock, d, 1f, dk, kBlock, d);
                    }
                    if (dq != null) {
                        gemm.sgemm(false, false, rows, d, cols, scale, dp, 0, cols, k, kBlock, d, 1f, dq, qBlock, d);
                    }
                }
            }
        });
    }

    /**
     * s: [rows, cols] = scale * Q[i0 .. i0 + rows) K[j0 .. j0 + cols)^T of slice bh, with the
     * masks applied: the additive mask added, hidden keys set to -infinity.
     */
    private void scores(int bh, int h, int tq, int tk, int d, int i0, int rows, int j0, int cols, float scale,
                        float[] q, float[] k, AttentionMasks masks, float[] s) {
        gemm.sgemm(false, true, rows, cols, d, scale, q, (bh * tq + i0) * d, d, k, (bh * tk + j0) * d, d,
                0f, s, 0, cols);
        int bb = bh / h;
        int hh = bh % h;
        float[] additive = masks.additive();
        int[] padding = masks.keyPadding();
        for (int r = 0; r < rows; r++) {
            int i = i0 + r;
            int sRow = r * cols;
            if (additive != null) {
                elementwise.add(s, sRow, additive, masks.additiveRow(bb, hh, i, tq, tk) + j0, s, sRow, cols);
            }
            if (padding != null) {
                for (int c = 0; c < cols; c++) {
                    if (padding[bb * tk + j0 + c] != 0) {
                        s[sRow + c] = Float.NEGATIVE_INFINITY;
                    }
                }
            }
            if (masks.causal()) {
                int visible = masks.keyLimit(i, tq, tk) - j0;
                if (visible < cols) {
                    Arrays.fill(s, sRow + Math.max(0, visible), sRow + cols, Float.NEGATIVE_INFINITY);
                }
            }
        }
    }

    /** p[off + c] scaled by 1 / (1 - rate) when element first + c is kept, 0 when dropped. */
    private static void dropOut(float[] p, int off, int cols, long seed, long first, float rate) {
        float keepScale = 1f / (1f - rate);
        for (int c = 0; c < cols; c++) {
            p[off + c] = AttentionDropout.keep(seed, first + c, rate) ? p[off + c] * keepScale : 0f;
        }
    }

    /** One thread's tiles: scores/probabilities and their gradient [QUERY_BLOCK, KEY_BLOCK], row statistics. */
    private static final class Tiles {
        final float[] s = new float[QUERY_BLOCK * KEY_BLOCK];
        final float[] ds = new float[QUERY_BLOCK * KEY_BLOCK];
        final float[] rowStat = new float[QUERY_BLOCK];
        final float[] rowStat2 = new float[QUERY_BLOCK];
        private float[] kept = new float[0];

        float[] kept(int n) {
            if (kept.length < n) {
                kept = new float[QUERY_BLOCK * KEY_BLOCK];
            }
            return kept;
        }
    }
}
