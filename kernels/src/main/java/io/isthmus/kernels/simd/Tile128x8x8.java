package io.isthmus.kernels.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The 8 x 8 register tile on 128-bit vectors: 16 accumulators, 2 B vectors and one
 * broadcast A value live per step (19 of the 32 vector registers of AVX-512).
 *
 * <p>Generated code, kept small on purpose: once a method passes C2's node budget, C2 stops inlining
 * (even the Vector API's own methods, which then run their boxed Java fallbacks), and an accumulator
 * handed to a method that is not inlined is boxed. So the k loop has no calls, and the accumulators
 * go to a float[] scratch from which {@code writeBack} updates C.
 */
final class Tile128x8x8 implements TileKernel {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_128;
    private static final int MR = 8;
    private static final int NR = 8;

    @Override
    public int rows() {
        return MR;
    }

    @Override
    public int cols() {
        return NR;
    }

    @Override
    public int bits() {
        return 128;
    }

    @Override
    public void multiplyPacked(float[] ap, int aOff, int rows, float[] bp, int bOff, int kc,
                               float alpha, float beta, float[] c, int cOff, int ldc, int cols, float[] tile) {
        FloatVector c0_0 = FloatVector.zero(S), c0_1 = FloatVector.zero(S);
        FloatVector c1_0 = FloatVector.zero(S), c1_1 = FloatVector.zero(S);
        FloatVector c2_0 = FloatVector.zero(S), c2_1 = FloatVector.zero(S);
        FloatVector c3_0 = FloatVector.zero(S), c3_1 = FloatVector.zero(S);
        FloatVector c4_0 = FloatVector.zero(S), c4_1 = FloatVector.zero(S);
        FloatVector c5_0 = FloatVector.zero(S), c5_1 = FloatVector.zero(S);
        FloatVector c6_0 = FloatVector.zero(S), c6_1 = FloatVector.zero(S);
        FloatVector c7_0 = FloatVector.zero(S), c7_1 = FloatVector.zero(S);
        int p = 0;
        for (; p <= kc - 2; p += 2) {
            int bi_0 = bOff + (p) * NR;
            FloatVector b0_0 = FloatVector.fromArray(S, bp, bi_0);
            FloatVector b1_0 = FloatVector.fromArray(S, bp, bi_0 + 4);
            FloatVector x0_0 = FloatVector.broadcast(S, ap[aOff + (p) * MR]);
            c0_0 = x0_0.fma(b0_0, c0_0); c0_1 = x0_0.fma(b1_0, c0_1);
            FloatVector x1_0 = FloatVector.broadcast(S, ap[aOff + (p) * MR + 1]);
            c1_0 = x1_0.fma(b0_0, c1_0); c1_1 = x1_0.fma(b1_0, c1_1);
            FloatVector x2_0 = FloatVector.broadcast(S, ap[aOff + (p) * MR + 2]);
            c2_0 = x2_0.fma(b0_0, c2_0); c2_1 = x2_0.fma(b1_0, c2_1);
            FloatVector x3_0 = FloatVector.broadcast(S, ap[aOff + (p) * MR + 3]);
            c3_0 = x3_0.fma(b0_0, c3_0); c3_1 = x3_0.fma(b1_0, c3_1);
            FloatVector x4_0 = FloatVector.broadcast(S, ap[aOff + (p) * MR + 4]);
            c4_0 = x4_0.fma(b0_0, c4_0); c4_1 = x4_0.fma(b1_0, c4_1);
            FloatVector x5_0 = FloatVector.broadcast(S, ap[aOff + (p) * MR + 5]);
            c5_0 = x5_0.fma(b0_0, c5_0); c5_1 = x5_0.fma(b1_0, c5_1);
            FloatVector x6_0 = FloatVector.broadcast(S, ap[aOff + (p) * MR + 6]);
            c6_0 = x6_0.fma(b0_0, c6_0); c6_1 = x6_0.fma(b1_0, c6_1);
            FloatVector x7_0 = FloatVector.broadcast(S, ap[aOff + (p) * MR + 7]);
            c7_0 = x7_0.fma(b0_0, c7_0); c7_1 = x7_0.fma(b1_0, c7_1);
            int bi_1 = bOff + (p + 1) * NR;
            FloatVector b0_1 = FloatVector.fromArray(S, bp, bi_1);
            FloatVector b1_1 = FloatVector.fromArray(S, bp, bi_1 + 4);
            FloatVector x0_1 = FloatVector.broadcast(S, ap[aOff + (p + 1) * MR]);
            c0_0 = x0_1.fma(b0_1, c0_0); c0_1 = x0_1.fma(b1_1, c0_1);
            FloatVector x1_1 = FloatVector.broadcast(S, ap[aOff + (p + 1) * MR + 1]);
            c1_0 = x1_1.fma(b0_1, c1_0); c1_1 = x1_1.fma(b1_1, c1_1);
            FloatVector x2_1 = FloatVector.broadcast(S, ap[aOff + (p + 1) * MR + 2]);
            c2_0 = x2_1.fma(b0_1, c2_0); c2_1 = x2_1.fma(b1_1, c2_1);
            FloatVector x3_1 = FloatVector.broadcast(S, ap[aOff + (p + 1) * MR + 3]);
            c3_0 = x3_1.fma(b0_1, c3_0); c3_1 = x3_1.fma(b1_1, c3_1);
            FloatVector x4_1 = FloatVector.broadcast(S, ap[aOff + (p + 1) * MR + 4]);
            c4_0 = x4_1.fma(b0_1, c4_0); c4_1 = x4_1.fma(b1_1, c4_1);
            FloatVector x5_1 = FloatVector.broadcast(S, ap[aOff + (p + 1) * MR + 5]);
            c5_0 = x5_1.fma(b0_1, c5_0); c5_1 = x5_1.fma(b1_1, c5_1);
            FloatVector x6_1 = FloatVector.broadcast(S, ap[aOff + (p + 1) * MR + 6]);
            c6_0 = x6_1.fma(b0_1, c6_0); c6_1 = x6_1.fma(b1_1, c6_1);
            FloatVector x7_1 = FloatVector.broadcast(S, ap[aOff + (p + 1) * MR + 7]);
            c7_0 = x7_1.fma(b0_1, c7_0); c7_1 = x7_1.fma(b1_1, c7_1);
        }
        for (; p < kc; p++) {
            int bi = bOff + (p) * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + 4);
            FloatVector x0 = FloatVector.broadcast(S, ap[aOff + (p) * MR]);
            c0_0 = x0.fma(b0, c0_0); c0_1 = x0.fma(b1, c0_1);
            FloatVector x1 = FloatVector.broadcast(S, ap[aOff + (p) * MR + 1]);
            c1_0 = x1.fma(b0, c1_0); c1_1 = x1.fma(b1, c1_1);
            FloatVector x2 = FloatVector.broadcast(S, ap[aOff + (p) * MR + 2]);
            c2_0 = x2.fma(b0, c2_0); c2_1 = x2.fma(b1, c2_1);
            FloatVector x3 = FloatVector.broadcast(S, ap[aOff + (p) * MR + 3]);
            c3_0 = x3.fma(b0, c3_0); c3_1 = x3.fma(b1, c3_1);
            FloatVector x4 = FloatVector.broadcast(S, ap[aOff + (p) * MR + 4]);
            c4_0 = x4.fma(b0, c4_0); c4_1 = x4.fma(b1, c4_1);
            FloatVector x5 = FloatVector.broadcast(S, ap[aOff + (p) * MR + 5]);
            c5_0 = x5.fma(b0, c5_0); c5_1 = x5.fma(b1, c5_1);
            FloatVector x6 = FloatVector.broadcast(S, ap[aOff + (p) * MR + 6]);
            c6_0 = x6.fma(b0, c6_0); c6_1 = x6.fma(b1, c6_1);
            FloatVector x7 = FloatVector.broadcast(S, ap[aOff + (p) * MR + 7]);
            c7_0 = x7.fma(b0, c7_0); c7_1 = x7.fma(b1, c7_1);
        }
        c0_0.intoArray(tile, 0); c0_1.intoArray(tile, 4);
        c1_0.intoArray(tile, 8); c1_1.intoArray(tile, 12);
        c2_0.intoArray(tile, 16); c2_1.intoArray(tile, 20);
        c3_0.intoArray(tile, 24); c3_1.intoArray(tile, 28);
        c4_0.intoArray(tile, 32); c4_1.intoArray(tile, 36);
        c5_0.intoArray(tile, 40); c5_1.intoArray(tile, 44);
        c6_0.intoArray(tile, 48); c6_1.intoArray(tile, 52);
        c7_0.intoArray(tile, 56); c7_1.intoArray(tile, 60);
        writeBack(tile, rows, cols, alpha, beta, c, cOff, ldc);
    }

    @Override
    public void multiply(float[] a, int aRow0, int lda, int rows, float[] bp, int bOff, int ldbp, int kc,
                         float alpha, float beta, float[] c, int cOff, int ldc, int cols, float[] tile) {
        // Rows past `rows` re-read the last real row (their sums are never stored).
        int a0 = aRow0;
        int a1 = rows > 1 ? a0 + lda : a0;
        int a2 = rows > 2 ? a1 + lda : a1;
        int a3 = rows > 3 ? a2 + lda : a2;
        int a4 = rows > 4 ? a3 + lda : a3;
        int a5 = rows > 5 ? a4 + lda : a4;
        int a6 = rows > 6 ? a5 + lda : a5;
        int a7 = rows > 7 ? a6 + lda : a6;
        FloatVector c0_0 = FloatVector.zero(S), c0_1 = FloatVector.zero(S);
        FloatVector c1_0 = FloatVector.zero(S), c1_1 = FloatVector.zero(S);
        FloatVector c2_0 = FloatVector.zero(S), c2_1 = FloatVector.zero(S);
        FloatVector c3_0 = FloatVector.zero(S), c3_1 = FloatVector.zero(S);
        FloatVector c4_0 = FloatVector.zero(S), c4_1 = FloatVector.zero(S);
        FloatVector c5_0 = FloatVector.zero(S), c5_1 = FloatVector.zero(S);
        FloatVector c6_0 = FloatVector.zero(S), c6_1 = FloatVector.zero(S);
        FloatVector c7_0 = FloatVector.zero(S), c7_1 = FloatVector.zero(S);
        int p = 0;
        for (; p <= kc - 2; p += 2) {
            int bi_0 = bOff + (p) * ldbp;
            FloatVector b0_0 = FloatVector.fromArray(S, bp, bi_0);
            FloatVector b1_0 = FloatVector.fromArray(S, bp, bi_0 + 4);
            FloatVector x0_0 = FloatVector.broadcast(S, a[a0 + p]);
            c0_0 = x0_0.fma(b0_0, c0_0); c0_1 = x0_0.fma(b1_0, c0_1);
            FloatVector x1_0 = FloatVector.broadcast(S, a[a1 + p]);
            c1_0 = x1_0.fma(b0_0, c1_0); c1_1 = x1_0.fma(b1_0, c1_1);
            FloatVector x2_0 = FloatVector.broadcast(S, a[a2 + p]);
            c2_0 = x2_0.fma(b0_0, c2_0); c2_1 = x2_0.fma(b1_0, c2_1);
            FloatVector x3_0 = FloatVector.broadcast(S, a[a3 + p]);
            c3_0 = x3_0.fma(b0_0, c3_0); c3_1 = x3_0.fma(b1_0, c3_1);
            FloatVector x4_0 = FloatVector.broadcast(S, a[a4 + p]);
            c4_0 = x4_0.fma(b0_0, c4_0); c4_1 = x4_0.fma(b1_0, c4_1);
            FloatVector x5_0 = FloatVector.broadcast(S, a[a5 + p]);
            c5_0 = x5_0.fma(b0_0, c5_0); c5_1 = x5_0.fma(b1_0, c5_1);
            FloatVector x6_0 = FloatVector.broadcast(S, a[a6 + p]);
            c6_0 = x6_0.fma(b0_0, c6_0); c6_1 = x6_0.fma(b1_0, c6_1);
            FloatVector x7_0 = FloatVector.broadcast(S, a[a7 + p]);
            c7_0 = x7_0.fma(b0_0, c7_0); c7_1 = x7_0.fma(b1_0, c7_1);
            int bi_1 = bOff + (p + 1) * ldbp;
            FloatVector b0_1 = FloatVector.fromArray(S, bp, bi_1);
            FloatVector b1_1 = FloatVector.fromArray(S, bp, bi_1 + 4);
            FloatVector x0_1 = FloatVector.broadcast(S, a[a0 + p + 1]);
            c0_0 = x0_1.fma(b0_1, c0_0); c0_1 = x0_1.fma(b1_1, c0_1);
            FloatVector x1_1 = FloatVector.broadcast(S, a[a1 + p + 1]);
            c1_0 = x1_1.fma(b0_1, c1_0); c1_1 = x1_1.fma(b1_1, c1_1);
            FloatVector x2_1 = FloatVector.broadcast(S, a[a2 + p + 1]);
            c2_0 = x2_1.fma(b0_1, c2_0); c2_1 = x2_1.fma(b1_1, c2_1);
            FloatVector x3_1 = FloatVector.broadcast(S, a[a3 + p + 1]);
            c3_0 = x3_1.fma(b0_1, c3_0); c3_1 = x3_1.fma(b1_1, c3_1);
            FloatVector x4_1 = FloatVector.broadcast(S, a[a4 + p + 1]);
            c4_0 = x4_1.fma(b0_1, c4_0); c4_1 = x4_1.fma(b1_1, c4_1);
            FloatVector x5_1 = FloatVector.broadcast(S, a[a5 + p + 1]);
            c5_0 = x5_1.fma(b0_1, c5_0); c5_1 = x5_1.fma(b1_1, c5_1);
            FloatVector x6_1 = FloatVector.broadcast(S, a[a6 + p + 1]);
            c6_0 = x6_1.fma(b0_1, c6_0); c6_1 = x6_1.fma(b1_1, c6_1);
            FloatVector x7_1 = FloatVector.broadcast(S, a[a7 + p + 1]);
            c7_0 = x7_1.fma(b0_1, c7_0); c7_1 = x7_1.fma(b1_1, c7_1);
        }
        for (; p < kc; p++) {
            int bi = bOff + (p) * ldbp;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + 4);
            FloatVector x0 = FloatVector.broadcast(S, a[a0 + p]);
            c0_0 = x0.fma(b0, c0_0); c0_1 = x0.fma(b1, c0_1);
            FloatVector x1 = FloatVector.broadcast(S, a[a1 + p]);
            c1_0 = x1.fma(b0, c1_0); c1_1 = x1.fma(b1, c1_1);
            FloatVector x2 = FloatVector.broadcast(S, a[a2 + p]);
            c2_0 = x2.fma(b0, c2_0); c2_1 = x2.fma(b1, c2_1);
            FloatVector x3 = FloatVector.broadcast(S, a[a3 + p]);
            c3_0 = x3.fma(b0, c3_0); c3_1 = x3.fma(b1, c3_1);
            FloatVector x4 = FloatVector.broadcast(S, a[a4 + p]);
            c4_0 = x4.fma(b0, c4_0); c4_1 = x4.fma(b1, c4_1);
            FloatVector x5 = FloatVector.broadcast(S, a[a5 + p]);
            c5_0 = x5.fma(b0, c5_0); c5_1 = x5.fma(b1, c5_1);
            FloatVector x6 = FloatVector.broadcast(S, a[a6 + p]);
            c6_0 = x6.fma(b0, c6_0); c6_1 = x6.fma(b1, c6_1);
            FloatVector x7 = FloatVector.broadcast(S, a[a7 + p]);
            c7_0 = x7.fma(b0, c7_0); c7_1 = x7.fma(b1, c7_1);
        }
        c0_0.intoArray(tile, 0); c0_1.intoArray(tile, 4);
        c1_0.intoArray(tile, 8); c1_1.intoArray(tile, 12);
        c2_0.intoArray(tile, 16); c2_1.intoArray(tile, 20);
        c3_0.intoArray(tile, 24); c3_1.intoArray(tile, 28);
        c4_0.intoArray(tile, 32); c4_1.intoArray(tile, 36);
        c5_0.intoArray(tile, 40); c5_1.intoArray(tile, 44);
        c6_0.intoArray(tile, 48); c6_1.intoArray(tile, 52);
        c7_0.intoArray(tile, 56); c7_1.intoArray(tile, 60);
        writeBack(tile, rows, cols, alpha, beta, c, cOff, ldc);
    }

    /**
     * {@code C = alpha * T + beta * C} on the first {@code rows x cols} of the tile T ([MR, NR] row-major
     * from 0); C is [rows, ldc] from cOff and not read when {@code beta == 0}.
     */
    private static void writeBack(float[] t, int rows, int cols, float alpha, float beta,
                                  float[] c, int cOff, int ldc) {
        if (cols != NR) {
            TileEdge.merge(t, NR, rows, cols, alpha, beta, c, cOff, ldc);
            return;
        }
        FloatVector va = FloatVector.broadcast(S, alpha);
        if (beta == 0f) {
            for (int r = 0, o = cOff; r < rows; r++, o += ldc) {
                FloatVector.fromArray(S, t, r * NR).mul(va).intoArray(c, o);
                FloatVector.fromArray(S, t, r * NR + 4).mul(va).intoArray(c, o + 4);
            }
        } else {
            FloatVector vb = FloatVector.broadcast(S, beta);
            for (int r = 0, o = cOff; r < rows; r++, o += ldc) {
                FloatVector.fromArray(S, c, o).fma(vb, FloatVector.fromArray(S, t, r * NR).mul(va)).intoArray(c, o);
                FloatVector.fromArray(S, c, o + 4).fma(vb, FloatVector.fromArray(S, t, r * NR + 4).mul(va)).intoArray(c, o + 4);
            }
        }
    }
}
