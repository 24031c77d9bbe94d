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

    private final int kcBlock;
    /** Per thread: [0] the accumulator row, [1..kc] the current slice of op(B), one row each. */
    private final ThreadLocal<float[][]> scratch = ThreadLocal.withInitial(() -> new float[1][0]);

    /** @param kcBlock the k slice bound of the SimdGemm this twins */
    FmaLoopGemm(int kcBlock) {
        this.kcBlock = kcBlock;
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0 || alpha == 0f) {
            GemmEdges.scaleC(m, n, beta, c, cOff, ldc);
            return;
        }
        int kcMax = SimdGemm.sliceLength(k, kcBlock);
        float[][] rows = rows(kcMax + 1, Math.min(n, COLUMN_BLOCK));
        float[] acc = rows[0];
        // Column blocks bound the scratch (kc x COLUMN_BLOCK floats); each element's sum is its own.
        for (int jc = 0; jc < n; jc += COLUMN_BLOCK) {
            int nc = Math.min(COLUMN_BLOCK, n - jc);
            for (int pc = 0; pc < k; pc += kcMax) {
                int kc = Math.min(kcMax, k - pc);
                float sliceBeta = pc == 0 ? beta : 1f;
                for (int p = 0; p < kc; p++) {
                    float[] row = rows[p + 1];
                    for (int j = 0; j < nc; j++) {
                        int col = jc + j;
                        row[j] = transB ? b[bOff + col * ldb + pc + p] : b[bOff + (pc + p) * ldb + col];
                    }
                }
                for (int i = 0; i < m; i++) {
                    java.util.Arrays.fill(acc, 0, nc, 0f);
                    for (int p = 0; p < kc; p++) {
                        float x = transA ? a[aOff + (pc + p) * lda + i] : a[aOff + i * lda + pc + p];
                        accumulate(x, rows[p + 1], acc, nc);
                    }
                    int o = cOff + i * ldc + jc;
                    for (int j = 0; j < nc; j++) {
                        float v = alpha * acc[j];
                        c[o + j] = sliceBeta == 0f ? v : Math.fma(sliceBeta, c[o + j], v);
                    }
                }
            }
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
