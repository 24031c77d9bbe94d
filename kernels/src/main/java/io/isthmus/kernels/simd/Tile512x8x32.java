package io.isthmus.kernels.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The 8 x 32 register tile on 512-bit vectors: 16 accumulators, 2 B vectors and one
 * broadcast A value live per step (19 of the 32 vector registers of AVX-512).
 *
 * <p>Generated code, kept flat on purpose: once a method passes C2's node budget, C2 stops inlining
 * (even the Vector API's own methods, which then run their boxed Java fallbacks), and an accumulator
 * handed to a method that is not inlined is boxed. So the k loop has no calls, full tiles are written
 * to C straight from the registers, and edge tiles go through the float[] scratch to {@link TileEdge}.
 * Writing full tiles straight from registers measured 1-3% faster than the narrower tiles' way
 * through the scratch (same JVM, interleaved) and still fits the budget on JDK 25; the 12-row
 * 256-bit tile did not (it fell back to boxed code: 0.7 GFLOPS at 64^3).
 */
final class Tile512x8x32 implements TileKernel {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    private static final int MR = 8;
    private static final int NR = 32;

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
        return 512;
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
        for (; p < kc; p++) {
            int bi = bOff + (p) * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + 16);
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
        if (rows == MR && cols == NR) {
            FloatVector va = FloatVector.broadcast(S, alpha);
            if (beta == 0f) {
                int o0 = cOff;
                c0_0.mul(va).intoArray(c, o0); c0_1.mul(va).intoArray(c, o0 + 16);
                int o1 = cOff + 1 * ldc;
                c1_0.mul(va).intoArray(c, o1); c1_1.mul(va).intoArray(c, o1 + 16);
                int o2 = cOff + 2 * ldc;
                c2_0.mul(va).intoArray(c, o2); c2_1.mul(va).intoArray(c, o2 + 16);
                int o3 = cOff + 3 * ldc;
                c3_0.mul(va).intoArray(c, o3); c3_1.mul(va).intoArray(c, o3 + 16);
                int o4 = cOff + 4 * ldc;
                c4_0.mul(va).intoArray(c, o4); c4_1.mul(va).intoArray(c, o4 + 16);
                int o5 = cOff + 5 * ldc;
                c5_0.mul(va).intoArray(c, o5); c5_1.mul(va).intoArray(c, o5 + 16);
                int o6 = cOff + 6 * ldc;
                c6_0.mul(va).intoArray(c, o6); c6_1.mul(va).intoArray(c, o6 + 16);
                int o7 = cOff + 7 * ldc;
                c7_0.mul(va).intoArray(c, o7); c7_1.mul(va).intoArray(c, o7 + 16);
            } else {
                FloatVector vb = FloatVector.broadcast(S, beta);
                int o0 = cOff;
                FloatVector.fromArray(S, c, o0).fma(vb, c0_0.mul(va)).intoArray(c, o0);
                FloatVector.fromArray(S, c, o0 + 16).fma(vb, c0_1.mul(va)).intoArray(c, o0 + 16);
                int o1 = cOff + 1 * ldc;
                FloatVector.fromArray(S, c, o1).fma(vb, c1_0.mul(va)).intoArray(c, o1);
                FloatVector.fromArray(S, c, o1 + 16).fma(vb, c1_1.mul(va)).intoArray(c, o1 + 16);
                int o2 = cOff + 2 * ldc;
                FloatVector.fromArray(S, c, o2).fma(vb, c2_0.mul(va)).intoArray(c, o2);
                FloatVector.fromArray(S, c, o2 + 16).fma(vb, c2_1.mul(va)).intoArray(c, o2 + 16);
                int o3 = cOff + 3 * ldc;
                FloatVector.fromArray(S, c, o3).fma(vb, c3_0.mul(va)).intoArray(c, o3);
                FloatVector.fromArray(S, c, o3 + 16).fma(vb, c3_1.mul(va)).intoArray(c, o3 + 16);
                int o4 = cOff + 4 * ldc;
                FloatVector.fromArray(S, c, o4).fma(vb, c4_0.mul(va)).intoArray(c, o4);
                FloatVector.fromArray(S, c, o4 + 16).fma(vb, c4_1.mul(va)).intoArray(c, o4 + 16);
                int o5 = cOff + 5 * ldc;
                FloatVector.fromArray(S, c, o5).fma(vb, c5_0.mul(va)).intoArray(c, o5);
                FloatVector.fromArray(S, c, o5 + 16).fma(vb, c5_1.mul(va)).intoArray(c, o5 + 16);
                int o6 = cOff + 6 * ldc;
                FloatVector.fromArray(S, c, o6).fma(vb, c6_0.mul(va)).intoArray(c, o6);
                FloatVector.fromArray(S, c, o6 + 16).fma(vb, c6_1.mul(va)).intoArray(c, o6 + 16);
                int o7 = cOff + 7 * ldc;
                FloatVector.fromArray(S, c, o7).fma(vb, c7_0.mul(va)).intoArray(c, o7);
                FloatVector.fromArray(S, c, o7 + 16).fma(vb, c7_1.mul(va)).intoArray(c, o7 + 16);
            }
        } else {
            c0_0.intoArray(tile, 0); c0_1.intoArray(tile, 16);
            c1_0.intoArray(tile, 32); c1_1.intoArray(tile, 48);
            c2_0.intoArray(tile, 64); c2_1.intoArray(tile, 80);
            c3_0.intoArray(tile, 96); c3_1.intoArray(tile, 112);
            c4_0.intoArray(tile, 128); c4_1.intoArray(tile, 144);
            c5_0.intoArray(tile, 160); c5_1.intoArray(tile, 176);
            c6_0.intoArray(tile, 192); c6_1.intoArray(tile, 208);
            c7_0.intoArray(tile, 224); c7_1.intoArray(tile, 240);
            TileEdge.merge(tile, NR, rows, cols, alpha, beta, c, cOff, ldc);
        }
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
        for (; p < kc; p++) {
            int bi = bOff + (p) * ldbp;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + 16);
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
        if (rows == MR && cols == NR) {
            FloatVector va = FloatVector.broadcast(S, alpha);
            if (beta == 0f) {
                int o0 = cOff;
                c0_0.mul(va).intoArray(c, o0); c0_1.mul(va).intoArray(c, o0 + 16);
                int o1 = cOff + 1 * ldc;
                c1_0.mul(va).intoArray(c, o1); c1_1.mul(va).intoArray(c, o1 + 16);
                int o2 = cOff + 2 * ldc;
                c2_0.mul(va).intoArray(c, o2); c2_1.mul(va).intoArray(c, o2 + 16);
                int o3 = cOff + 3 * ldc;
                c3_0.mul(va).intoArray(c, o3); c3_1.mul(va).intoArray(c, o3 + 16);
                int o4 = cOff + 4 * ldc;
                c4_0.mul(va).intoArray(c, o4); c4_1.mul(va).intoArray(c, o4 + 16);
                int o5 = cOff + 5 * ldc;
                c5_0.mul(va).intoArray(c, o5); c5_1.mul(va).intoArray(c, o5 + 16);
                int o6 = cOff + 6 * ldc;
                c6_0.mul(va).intoArray(c, o6); c6_1.mul(va).intoArray(c, o6 + 16);
                int o7 = cOff + 7 * ldc;
                c7_0.mul(va).intoArray(c, o7); c7_1.mul(va).intoArray(c, o7 + 16);
            } else {
                FloatVector vb = FloatVector.broadcast(S, beta);
                int o0 = cOff;
                FloatVector.fromArray(S, c, o0).fma(vb, c0_0.mul(va)).intoArray(c, o0);
                FloatVector.fromArray(S, c, o0 + 16).fma(vb, c0_1.mul(va)).intoArray(c, o0 + 16);
                int o1 = cOff + 1 * ldc;
                FloatVector.fromArray(S, c, o1).fma(vb, c1_0.mul(va)).intoArray(c, o1);
                FloatVector.fromArray(S, c, o1 + 16).fma(vb, c1_1.mul(va)).intoArray(c, o1 + 16);
                int o2 = cOff + 2 * ldc;
                FloatVector.fromArray(S, c, o2).fma(vb, c2_0.mul(va)).intoArray(c, o2);
                FloatVector.fromArray(S, c, o2 + 16).fma(vb, c2_1.mul(va)).intoArray(c, o2 + 16);
                int o3 = cOff + 3 * ldc;
                FloatVector.fromArray(S, c, o3).fma(vb, c3_0.mul(va)).intoArray(c, o3);
                FloatVector.fromArray(S, c, o3 + 16).fma(vb, c3_1.mul(va)).intoArray(c, o3 + 16);
                int o4 = cOff + 4 * ldc;
                FloatVector.fromArray(S, c, o4).fma(vb, c4_0.mul(va)).intoArray(c, o4);
                FloatVector.fromArray(S, c, o4 + 16).fma(vb, c4_1.mul(va)).intoArray(c, o4 + 16);
                int o5 = cOff + 5 * ldc;
                FloatVector.fromArray(S, c, o5).fma(vb, c5_0.mul(va)).intoArray(c, o5);
                FloatVector.fromArray(S, c, o5 + 16).fma(vb, c5_1.mul(va)).intoArray(c, o5 + 16);
                int o6 = cOff + 6 * ldc;
                FloatVector.fromArray(S, c, o6).fma(vb, c6_0.mul(va)).intoArray(c, o6);
                FloatVector.fromArray(S, c, o6 + 16).fma(vb, c6_1.mul(va)).intoArray(c, o6 + 16);
                int o7 = cOff + 7 * ldc;
                FloatVector.fromArray(S, c, o7).fma(vb, c7_0.mul(va)).intoArray(c, o7);
                FloatVector.fromArray(S, c, o7 + 16).fma(vb, c7_1.mul(va)).intoArray(c, o7 + 16);
            }
        } else {
            c0_0.intoArray(tile, 0); c0_1.intoArray(tile, 16);
            c1_0.intoArray(tile, 32); c1_1.intoArray(tile, 48);
            c2_0.intoArray(tile, 64); c2_1.intoArray(tile, 80);
            c3_0.intoArray(tile, 96); c3_1.intoArray(tile, 112);
            c4_0.intoArray(tile, 128); c4_1.intoArray(tile, 144);
            c5_0.intoArray(tile, 160); c5_1.intoArray(tile, 176);
            c6_0.intoArray(tile, 192); c6_1.intoArray(tile, 208);
            c7_0.intoArray(tile, 224); c7_1.intoArray(tile, 240);
            TileEdge.merge(tile, NR, rows, cols, alpha, beta, c, cOff, ldc);
        }
    }
}
