package io.isthmus.kernels.simd;

import io.isthmus.kernels.gemm.Gemm;
import io.isthmus.kernels.gemm.GemmEdges;

/**
 * The bit-identical twin of {@link SimdGemm}, in plain loops: each element of C gets the same
 * fused multiply-adds, in the same k order from zero within the same k slices, and each slice
 * is merged into C as the register tiles do ({@code v = alpha * acc}, then {@code C = v} for the
 * first slice with beta 0, else {@code C = fma(beta', C, v)}, beta' = 1 after the first). So a
 * product computed here has the SIMD GEMM's bits. SimdGemm runs it while C2 has not compiled the
 * vector tile yet (see {@link TileWarmup}): uncompiled, every vector operation is a boxed object
 * and the tile runs 10-1000x slower, where these loops compile in milliseconds.
 *
 * <p>Per k slice and block of {@link #COLUMN_BLOCK} columns, op(B)'s rows are copied into arrays
 * of their own, so that the innermost loop ({@code acc[j] += a * b[j]} along a row of C) indexes
 * both arrays from 0: C2 turns it into vector instructions (with two arrays indexed from
 * different offsets it cannot rule out an overlap, and does not).
 */
final class FmaLoopGemm implements Gemm {

    /** Columns of C per block: the copied slice of op(B) is at most kc x this many floats. */
    static final int COLUMN_BLOCK = 1024;
    /** Rows of C accumulated together (scratch rows 0..3; op(B)'s slice from row 4). */
    private static final int ROW_BLOCK = 4;

    private final int kcBlock;
    /** Per thread: [0..3] accumulator rows, [4..4+kc) the current slice of op(B), one row each. */
    private final ThreadLocal<float[][]> scratch = ThreadLocal.withInitial(() -> new float[1][0]);

    /** @param kcBlock the k slice bound of the SimdGemm this twins */
    FmaLoopGemm(int kcBlock) {
        this.kcBlock = kcBlock;
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        if (GemmEdges.doneWithoutProduct(m, n, k, alpha, beta, c, cOff, ldc)) {
            return;
        }
        int kcMax = SimdGemm.sliceLength(k, kcBlock);
        float[][] rows = rows(ROW_BLOCK + kcMax, Math.min(n, COLUMN_BLOCK));
        // Column blocks bound the scratch (kc x COLUMN_BLOCK floats); each element's sum is its own.
        for (int jc = 0; jc < n; jc += COLUMN_BLOCK) {
            int nc = Math.min(COLUMN_BLOCK, n - jc);
            for (int pc = 0; pc < k; pc += kcMax) {
                int kc = Math.min(kcMax, k - pc);
                float sliceBeta = pc == 0 ? beta : 1f;
                for (int p = 0; p < kc; p++) {
                    float[] row = rows[ROW_BLOCK + p];
                    for (int j = 0; j < nc; j++) {
                        int col = jc + j;
                        row[j] = transB ? b[bOff + col * ldb + pc + p] : b[bOff + (pc + p) * ldb + col];
                    }
                }
                float[][] xs = new float[ROW_BLOCK][4];  // op(A)'s four rows at four steps
                for (int i0 = 0; i0 < m; i0 += ROW_BLOCK) {
                    int block = Math.min(ROW_BLOCK, m - i0);
                    for (int r = 0; r < ROW_BLOCK; r++) {
                        java.util.Arrays.fill(rows[r], 0, nc, 0f);
                    }
                    if (block == ROW_BLOCK) {
                        fourRows(transA, a, aOff, lda, i0, pc, kc, rows, xs, nc);
                    } else {
                        for (int r = 0; r < block; r++) {
                            for (int p = 0; p < kc; p++) {
                                accumulate(aAt(transA, a, aOff, lda, i0 + r, pc + p), rows[ROW_BLOCK + p], rows[r], nc);
                            }
                        }
                    }
                    for (int r = 0; r < block; r++) {
                        float[] acc = rows[r];
                        int o = cOff + (i0 + r) * ldc + jc;
                        for (int j = 0; j < nc; j++) {
                            float v = alpha * acc[j];
                            c[o + j] = sliceBeta == 0f ? v : Math.fma(sliceBeta, c[o + j], v);
                        }
                    }
                }
            }
        }
    }

    /**
     * Accumulator rows 0..3 (C's rows i0..i0+3) += op(A)[i0..i0+3, pc..pc+kc) x the slice's rows
     * of B (scratch rows 4..), four rows of B at a time: each value of B is loaded once per four
     * rows and each accumulator loaded and stored once per four steps (2.4x the GFLOPS of one row
     * and one step at a time, which L2 and the stores bound). xs: [4][4] scratch.
     */
    private static void fourRows(boolean transA, float[] a, int aOff, int lda, int i0, int pc, int kc,
                                 float[][] rows, float[][] xs, int nc) {
        int p = 0;
        for (; p + 4 <= kc; p += 4) {
            for (int r = 0; r < ROW_BLOCK; r++) {
                for (int t = 0; t < 4; t++) {
                    xs[r][t] = aAt(transA, a, aOff, lda, i0 + r, pc + p + t);
                }
            }
            accumulateRows4(xs[0], xs[1], xs[2], xs[3], rows[ROW_BLOCK + p], rows[ROW_BLOCK + p + 1],
                    rows[ROW_BLOCK + p + 2], rows[ROW_BLOCK + p + 3], rows[0], rows[1], rows[2], rows[3], nc);
        }
        for (; p < kc; p++) {
            accumulateRows(aAt(transA, a, aOff, lda, i0, pc + p), aAt(transA, a, aOff, lda, i0 + 1, pc + p),
                    aAt(transA, a, aOff, lda, i0 + 2, pc + p), aAt(transA, a, aOff, lda, i0 + 3, pc + p),
                    rows[ROW_BLOCK + p], rows[0], rows[1], rows[2], rows[3], nc);
        }
    }

    /** op(A)[i, p]. */
    private static float aAt(boolean transA, float[] a, int aOff, int lda, int i, int p) {
        return transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
    }

    /** One step of {@link #accumulate} for four rows of C: acc_r[j] += x_r * b[j], each fused. */
    private static void accumulateRows(float x0, float x1, float x2, float x3, float[] b,
                                       float[] acc0, float[] acc1, float[] acc2, float[] acc3, int n) {
        for (int j = 0; j < n; j++) {
            float bj = b[j];
            acc0[j] = Math.fma(x0, bj, acc0[j]);
            acc1[j] = Math.fma(x1, bj, acc1[j]);
            acc2[j] = Math.fma(x2, bj, acc2[j]);
            acc3[j] = Math.fma(x3, bj, acc3[j]);
        }
    }

    /** Four steps for four rows (x_r: row r's values at the four steps), each element's fused multiply-adds in order. */
    private static void accumulateRows4(float[] x0, float[] x1, float[] x2, float[] x3,
                                        float[] b0, float[] b1, float[] b2, float[] b3,
                                        float[] acc0, float[] acc1, float[] acc2, float[] acc3, int n) {
        float x00 = x0[0], x01 = x0[1], x02 = x0[2], x03 = x0[3];
        float x10 = x1[0], x11 = x1[1], x12 = x1[2], x13 = x1[3];
        float x20 = x2[0], x21 = x2[1], x22 = x2[2], x23 = x2[3];
        float x30 = x3[0], x31 = x3[1], x32 = x3[2], x33 = x3[3];
        for (int j = 0; j < n; j++) {
            float u0 = b0[j];
            float u1 = b1[j];
            float u2 = b2[j];
            float u3 = b3[j];
            acc0[j] = Math.fma(x03, u3, Math.fma(x02, u2, Math.fma(x01, u1, Math.fma(x00, u0, acc0[j]))));
            acc1[j] = Math.fma(x13, u3, Math.fma(x12, u2, Math.fma(x11, u1, Math.fma(x10, u0, acc1[j]))));
            acc2[j] = Math.fma(x23, u3, Math.fma(x22, u2, Math.fma(x21, u1, Math.fma(x20, u0, acc2[j]))));
            acc3[j] = Math.fma(x33, u3, Math.fma(x32, u2, Math.fma(x31, u1, Math.fma(x30, u0, acc3[j]))));
        }
    }

    /** acc[j] += x * b[j] for j &lt; n, fused (one rounding), as the vector tile's lanes do. */
    private static void accumulate(float x, float[] b, float[] acc, int n) {
        for (int j = 0; j < n; j++) {
            acc[j] = Math.fma(x, b[j], acc[j]);
        }
    }

    /** This thread's scratch: at least {@code count} rows of at least {@code n} floats. */
    private float[][] rows(int count, int n) {
        float[][] rows = scratch.get();
        if (rows.length < count || rows[0].length < n) {
            rows = new float[Math.max(count, rows.length)][Math.max(n, rows[0].length)];
            scratch.set(rows);
        }
        return rows;
    }

    @Override
    public String name() {
        return "simd-twin";
    }
}
