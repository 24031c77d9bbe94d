package io.isthmus.kernels.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The 12 x 16 register tile on 256-bit vectors: 24 accumulators, 2 B vectors and one
 * broadcast A value live per step, which fits the 32 vector registers of AVX-512.
 */
final class Tile256x12x16 implements TileKernel {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    private static final int MR = 12;
    private static final int NR = 16;

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
        return 256;
    }

    @Override
    public void multiplyPacked(float[] ap, int aOff, int rows, float[] bp, int bOff, int kc,
                               float alpha, float beta, float[] c, int cOff, int ldc, int cols) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        FloatVector c80 = FloatVector.zero(S), c81 = FloatVector.zero(S);
        FloatVector c90 = FloatVector.zero(S), c91 = FloatVector.zero(S);
        FloatVector c100 = FloatVector.zero(S), c101 = FloatVector.zero(S);
        FloatVector c110 = FloatVector.zero(S), c111 = FloatVector.zero(S);
        int p = 0;
        for (; p + 2 <= kc; p += 2) {
            int bi_0 = bOff + (p) * NR;
            int ai_0 = aOff + (p) * MR;
            FloatVector b0_0 = FloatVector.fromArray(S, bp, bi_0);
            FloatVector b1_0 = FloatVector.fromArray(S, bp, bi_0 + 8);
            FloatVector x0_0 = FloatVector.broadcast(S, ap[ai_0]);
            c00 = x0_0.fma(b0_0, c00); c01 = x0_0.fma(b1_0, c01);
            FloatVector x1_0 = FloatVector.broadcast(S, ap[ai_0 + 1]);
            c10 = x1_0.fma(b0_0, c10); c11 = x1_0.fma(b1_0, c11);
            FloatVector x2_0 = FloatVector.broadcast(S, ap[ai_0 + 2]);
            c20 = x2_0.fma(b0_0, c20); c21 = x2_0.fma(b1_0, c21);
            FloatVector x3_0 = FloatVector.broadcast(S, ap[ai_0 + 3]);
            c30 = x3_0.fma(b0_0, c30); c31 = x3_0.fma(b1_0, c31);
            FloatVector x4_0 = FloatVector.broadcast(S, ap[ai_0 + 4]);
            c40 = x4_0.fma(b0_0, c40); c41 = x4_0.fma(b1_0, c41);
            FloatVector x5_0 = FloatVector.broadcast(S, ap[ai_0 + 5]);
            c50 = x5_0.fma(b0_0, c50); c51 = x5_0.fma(b1_0, c51);
            FloatVector x6_0 = FloatVector.broadcast(S, ap[ai_0 + 6]);
            c60 = x6_0.fma(b0_0, c60); c61 = x6_0.fma(b1_0, c61);
            FloatVector x7_0 = FloatVector.broadcast(S, ap[ai_0 + 7]);
            c70 = x7_0.fma(b0_0, c70); c71 = x7_0.fma(b1_0, c71);
            FloatVector x8_0 = FloatVector.broadcast(S, ap[ai_0 + 8]);
            c80 = x8_0.fma(b0_0, c80); c81 = x8_0.fma(b1_0, c81);
            FloatVector x9_0 = FloatVector.broadcast(S, ap[ai_0 + 9]);
            c90 = x9_0.fma(b0_0, c90); c91 = x9_0.fma(b1_0, c91);
            FloatVector x10_0 = FloatVector.broadcast(S, ap[ai_0 + 10]);
            c100 = x10_0.fma(b0_0, c100); c101 = x10_0.fma(b1_0, c101);
            FloatVector x11_0 = FloatVector.broadcast(S, ap[ai_0 + 11]);
            c110 = x11_0.fma(b0_0, c110); c111 = x11_0.fma(b1_0, c111);
            int bi_1 = bOff + (p + 1) * NR;
            int ai_1 = aOff + (p + 1) * MR;
            FloatVector b0_1 = FloatVector.fromArray(S, bp, bi_1);
            FloatVector b1_1 = FloatVector.fromArray(S, bp, bi_1 + 8);
            FloatVector x0_1 = FloatVector.broadcast(S, ap[ai_1]);
            c00 = x0_1.fma(b0_1, c00); c01 = x0_1.fma(b1_1, c01);
            FloatVector x1_1 = FloatVector.broadcast(S, ap[ai_1 + 1]);
            c10 = x1_1.fma(b0_1, c10); c11 = x1_1.fma(b1_1, c11);
            FloatVector x2_1 = FloatVector.broadcast(S, ap[ai_1 + 2]);
            c20 = x2_1.fma(b0_1, c20); c21 = x2_1.fma(b1_1, c21);
            FloatVector x3_1 = FloatVector.broadcast(S, ap[ai_1 + 3]);
            c30 = x3_1.fma(b0_1, c30); c31 = x3_1.fma(b1_1, c31);
            FloatVector x4_1 = FloatVector.broadcast(S, ap[ai_1 + 4]);
            c40 = x4_1.fma(b0_1, c40); c41 = x4_1.fma(b1_1, c41);
            FloatVector x5_1 = FloatVector.broadcast(S, ap[ai_1 + 5]);
            c50 = x5_1.fma(b0_1, c50); c51 = x5_1.fma(b1_1, c51);
            FloatVector x6_1 = FloatVector.broadcast(S, ap[ai_1 + 6]);
            c60 = x6_1.fma(b0_1, c60); c61 = x6_1.fma(b1_1, c61);
            FloatVector x7_1 = FloatVector.broadcast(S, ap[ai_1 + 7]);
            c70 = x7_1.fma(b0_1, c70); c71 = x7_1.fma(b1_1, c71);
            FloatVector x8_1 = FloatVector.broadcast(S, ap[ai_1 + 8]);
            c80 = x8_1.fma(b0_1, c80); c81 = x8_1.fma(b1_1, c81);
            FloatVector x9_1 = FloatVector.broadcast(S, ap[ai_1 + 9]);
            c90 = x9_1.fma(b0_1, c90); c91 = x9_1.fma(b1_1, c91);
            FloatVector x10_1 = FloatVector.broadcast(S, ap[ai_1 + 10]);
            c100 = x10_1.fma(b0_1, c100); c101 = x10_1.fma(b1_1, c101);
            FloatVector x11_1 = FloatVector.broadcast(S, ap[ai_1 + 11]);
            c110 = x11_1.fma(b0_1, c110); c111 = x11_1.fma(b1_1, c111);
        }
        for (; p < kc; p++) {
            int bi = bOff + (p) * NR;
            int ai = aOff + (p) * MR;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + 8);
            FloatVector x0 = FloatVector.broadcast(S, ap[ai]);
            c00 = x0.fma(b0, c00); c01 = x0.fma(b1, c01);
            FloatVector x1 = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = x1.fma(b0, c10); c11 = x1.fma(b1, c11);
            FloatVector x2 = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = x2.fma(b0, c20); c21 = x2.fma(b1, c21);
            FloatVector x3 = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = x3.fma(b0, c30); c31 = x3.fma(b1, c31);
            FloatVector x4 = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = x4.fma(b0, c40); c41 = x4.fma(b1, c41);
            FloatVector x5 = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = x5.fma(b0, c50); c51 = x5.fma(b1, c51);
            FloatVector x6 = FloatVector.broadcast(S, ap[ai + 6]);
            c60 = x6.fma(b0, c60); c61 = x6.fma(b1, c61);
            FloatVector x7 = FloatVector.broadcast(S, ap[ai + 7]);
            c70 = x7.fma(b0, c70); c71 = x7.fma(b1, c71);
            FloatVector x8 = FloatVector.broadcast(S, ap[ai + 8]);
            c80 = x8.fma(b0, c80); c81 = x8.fma(b1, c81);
            FloatVector x9 = FloatVector.broadcast(S, ap[ai + 9]);
            c90 = x9.fma(b0, c90); c91 = x9.fma(b1, c91);
            FloatVector x10 = FloatVector.broadcast(S, ap[ai + 10]);
            c100 = x10.fma(b0, c100); c101 = x10.fma(b1, c101);
            FloatVector x11 = FloatVector.broadcast(S, ap[ai + 11]);
            c110 = x11.fma(b0, c110); c111 = x11.fma(b1, c111);
        }
        if (cols == NR) {
            full(c00, alpha, beta, c, cOff + 0 * ldc + 0);
            full(c01, alpha, beta, c, cOff + 0 * ldc + 8);
            if (rows > 1) {
                full(c10, alpha, beta, c, cOff + 1 * ldc + 0);
                full(c11, alpha, beta, c, cOff + 1 * ldc + 8);
            }
            if (rows > 2) {
                full(c20, alpha, beta, c, cOff + 2 * ldc + 0);
                full(c21, alpha, beta, c, cOff + 2 * ldc + 8);
            }
            if (rows > 3) {
                full(c30, alpha, beta, c, cOff + 3 * ldc + 0);
                full(c31, alpha, beta, c, cOff + 3 * ldc + 8);
            }
            if (rows > 4) {
                full(c40, alpha, beta, c, cOff + 4 * ldc + 0);
                full(c41, alpha, beta, c, cOff + 4 * ldc + 8);
            }
            if (rows > 5) {
                full(c50, alpha, beta, c, cOff + 5 * ldc + 0);
                full(c51, alpha, beta, c, cOff + 5 * ldc + 8);
            }
            if (rows > 6) {
                full(c60, alpha, beta, c, cOff + 6 * ldc + 0);
                full(c61, alpha, beta, c, cOff + 6 * ldc + 8);
            }
            if (rows > 7) {
                full(c70, alpha, beta, c, cOff + 7 * ldc + 0);
                full(c71, alpha, beta, c, cOff + 7 * ldc + 8);
            }
            if (rows > 8) {
                full(c80, alpha, beta, c, cOff + 8 * ldc + 0);
                full(c81, alpha, beta, c, cOff + 8 * ldc + 8);
            }
            if (rows > 9) {
                full(c90, alpha, beta, c, cOff + 9 * ldc + 0);
                full(c91, alpha, beta, c, cOff + 9 * ldc + 8);
            }
            if (rows > 10) {
                full(c100, alpha, beta, c, cOff + 10 * ldc + 0);
                full(c101, alpha, beta, c, cOff + 10 * ldc + 8);
            }
            if (rows > 11) {
                full(c110, alpha, beta, c, cOff + 11 * ldc + 0);
                full(c111, alpha, beta, c, cOff + 11 * ldc + 8);
            }
        } else {
            partial(c00, alpha, beta, c, cOff + 0 * ldc + 0, cols - 0);
            partial(c01, alpha, beta, c, cOff + 0 * ldc + 8, cols - 8);
            if (rows > 1) {
                partial(c10, alpha, beta, c, cOff + 1 * ldc + 0, cols - 0);
                partial(c11, alpha, beta, c, cOff + 1 * ldc + 8, cols - 8);
            }
            if (rows > 2) {
                partial(c20, alpha, beta, c, cOff + 2 * ldc + 0, cols - 0);
                partial(c21, alpha, beta, c, cOff + 2 * ldc + 8, cols - 8);
            }
            if (rows > 3) {
                partial(c30, alpha, beta, c, cOff + 3 * ldc + 0, cols - 0);
                partial(c31, alpha, beta, c, cOff + 3 * ldc + 8, cols - 8);
            }
            if (rows > 4) {
                partial(c40, alpha, beta, c, cOff + 4 * ldc + 0, cols - 0);
                partial(c41, alpha, beta, c, cOff + 4 * ldc + 8, cols - 8);
            }
            if (rows > 5) {
                partial(c50, alpha, beta, c, cOff + 5 * ldc + 0, cols - 0);
                partial(c51, alpha, beta, c, cOff + 5 * ldc + 8, cols - 8);
            }
            if (rows > 6) {
                partial(c60, alpha, beta, c, cOff + 6 * ldc + 0, cols - 0);
                partial(c61, alpha, beta, c, cOff + 6 * ldc + 8, cols - 8);
            }
            if (rows > 7) {
                partial(c70, alpha, beta, c, cOff + 7 * ldc + 0, cols - 0);
                partial(c71, alpha, beta, c, cOff + 7 * ldc + 8, cols - 8);
            }
            if (rows > 8) {
                partial(c80, alpha, beta, c, cOff + 8 * ldc + 0, cols - 0);
                partial(c81, alpha, beta, c, cOff + 8 * ldc + 8, cols - 8);
            }
            if (rows > 9) {
                partial(c90, alpha, beta, c, cOff + 9 * ldc + 0, cols - 0);
                partial(c91, alpha, beta, c, cOff + 9 * ldc + 8, cols - 8);
            }
            if (rows > 10) {
                partial(c100, alpha, beta, c, cOff + 10 * ldc + 0, cols - 0);
                partial(c101, alpha, beta, c, cOff + 10 * ldc + 8, cols - 8);
            }
            if (rows > 11) {
                partial(c110, alpha, beta, c, cOff + 11 * ldc + 0, cols - 0);
                partial(c111, alpha, beta, c, cOff + 11 * ldc + 8, cols - 8);
            }
        }
    }

    @Override
    public void multiply(float[] a, int aRow0, int lda, int rows, float[] bp, int bOff, int kc,
                         float alpha, float beta, float[] c, int cOff, int ldc, int cols) {
        int a0 = aRow0;
        int a1 = rows > 1 ? a0 + lda : a0;
        int a2 = rows > 2 ? a1 + lda : a1;
        int a3 = rows > 3 ? a2 + lda : a2;
        int a4 = rows > 4 ? a3 + lda : a3;
        int a5 = rows > 5 ? a4 + lda : a4;
        int a6 = rows > 6 ? a5 + lda : a5;
        int a7 = rows > 7 ? a6 + lda : a6;
        int a8 = rows > 8 ? a7 + lda : a7;
        int a9 = rows > 9 ? a8 + lda : a8;
        int a10 = rows > 10 ? a9 + lda : a9;
        int a11 = rows > 11 ? a10 + lda : a10;
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        FloatVector c80 = FloatVector.zero(S), c81 = FloatVector.zero(S);
        FloatVector c90 = FloatVector.zero(S), c91 = FloatVector.zero(S);
        FloatVector c100 = FloatVector.zero(S), c101 = FloatVector.zero(S);
        FloatVector c110 = FloatVector.zero(S), c111 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int bi = bOff + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + 8);
            FloatVector x0 = FloatVector.broadcast(S, a[a0 + p]);
            c00 = x0.fma(b0, c00); c01 = x0.fma(b1, c01);
            FloatVector x1 = FloatVector.broadcast(S, a[a1 + p]);
            c10 = x1.fma(b0, c10); c11 = x1.fma(b1, c11);
            FloatVector x2 = FloatVector.broadcast(S, a[a2 + p]);
            c20 = x2.fma(b0, c20); c21 = x2.fma(b1, c21);
            FloatVector x3 = FloatVector.broadcast(S, a[a3 + p]);
            c30 = x3.fma(b0, c30); c31 = x3.fma(b1, c31);
            FloatVector x4 = FloatVector.broadcast(S, a[a4 + p]);
            c40 = x4.fma(b0, c40); c41 = x4.fma(b1, c41);
            FloatVector x5 = FloatVector.broadcast(S, a[a5 + p]);
            c50 = x5.fma(b0, c50); c51 = x5.fma(b1, c51);
            FloatVector x6 = FloatVector.broadcast(S, a[a6 + p]);
            c60 = x6.fma(b0, c60); c61 = x6.fma(b1, c61);
            FloatVector x7 = FloatVector.broadcast(S, a[a7 + p]);
            c70 = x7.fma(b0, c70); c71 = x7.fma(b1, c71);
            FloatVector x8 = FloatVector.broadcast(S, a[a8 + p]);
            c80 = x8.fma(b0, c80); c81 = x8.fma(b1, c81);
            FloatVector x9 = FloatVector.broadcast(S, a[a9 + p]);
            c90 = x9.fma(b0, c90); c91 = x9.fma(b1, c91);
            FloatVector x10 = FloatVector.broadcast(S, a[a10 + p]);
            c100 = x10.fma(b0, c100); c101 = x10.fma(b1, c101);
            FloatVector x11 = FloatVector.broadcast(S, a[a11 + p]);
            c110 = x11.fma(b0, c110); c111 = x11.fma(b1, c111);
        }
        if (cols == NR) {
            full(c00, alpha, beta, c, cOff + 0 * ldc + 0);
            full(c01, alpha, beta, c, cOff + 0 * ldc + 8);
            if (rows > 1) {
                full(c10, alpha, beta, c, cOff + 1 * ldc + 0);
                full(c11, alpha, beta, c, cOff + 1 * ldc + 8);
            }
            if (rows > 2) {
                full(c20, alpha, beta, c, cOff + 2 * ldc + 0);
                full(c21, alpha, beta, c, cOff + 2 * ldc + 8);
            }
            if (rows > 3) {
                full(c30, alpha, beta, c, cOff + 3 * ldc + 0);
                full(c31, alpha, beta, c, cOff + 3 * ldc + 8);
            }
            if (rows > 4) {
                full(c40, alpha, beta, c, cOff + 4 * ldc + 0);
                full(c41, alpha, beta, c, cOff + 4 * ldc + 8);
            }
            if (rows > 5) {
                full(c50, alpha, beta, c, cOff + 5 * ldc + 0);
                full(c51, alpha, beta, c, cOff + 5 * ldc + 8);
            }
            if (rows > 6) {
                full(c60, alpha, beta, c, cOff + 6 * ldc + 0);
                full(c61, alpha, beta, c, cOff + 6 * ldc + 8);
            }
            if (rows > 7) {
                full(c70, alpha, beta, c, cOff + 7 * ldc + 0);
                full(c71, alpha, beta, c, cOff + 7 * ldc + 8);
            }
            if (rows > 8) {
                full(c80, alpha, beta, c, cOff + 8 * ldc + 0);
                full(c81, alpha, beta, c, cOff + 8 * ldc + 8);
            }
            if (rows > 9) {
                full(c90, alpha, beta, c, cOff + 9 * ldc + 0);
                full(c91, alpha, beta, c, cOff + 9 * ldc + 8);
            }
            if (rows > 10) {
                full(c100, alpha, beta, c, cOff + 10 * ldc + 0);
                full(c101, alpha, beta, c, cOff + 10 * ldc + 8);
            }
            if (rows > 11) {
                full(c110, alpha, beta, c, cOff + 11 * ldc + 0);
                full(c111, alpha, beta, c, cOff + 11 * ldc + 8);
            }
        } else {
            partial(c00, alpha, beta, c, cOff + 0 * ldc + 0, cols - 0);
            partial(c01, alpha, beta, c, cOff + 0 * ldc + 8, cols - 8);
            if (rows > 1) {
                partial(c10, alpha, beta, c, cOff + 1 * ldc + 0, cols - 0);
                partial(c11, alpha, beta, c, cOff + 1 * ldc + 8, cols - 8);
            }
            if (rows > 2) {
                partial(c20, alpha, beta, c, cOff + 2 * ldc + 0, cols - 0);
                partial(c21, alpha, beta, c, cOff + 2 * ldc + 8, cols - 8);
            }
            if (rows > 3) {
                partial(c30, alpha, beta, c, cOff + 3 * ldc + 0, cols - 0);
                partial(c31, alpha, beta, c, cOff + 3 * ldc + 8, cols - 8);
            }
            if (rows > 4) {
                partial(c40, alpha, beta, c, cOff + 4 * ldc + 0, cols - 0);
                partial(c41, alpha, beta, c, cOff + 4 * ldc + 8, cols - 8);
            }
            if (rows > 5) {
                partial(c50, alpha, beta, c, cOff + 5 * ldc + 0, cols - 0);
                partial(c51, alpha, beta, c, cOff + 5 * ldc + 8, cols - 8);
            }
            if (rows > 6) {
                partial(c60, alpha, beta, c, cOff + 6 * ldc + 0, cols - 0);
                partial(c61, alpha, beta, c, cOff + 6 * ldc + 8, cols - 8);
            }
            if (rows > 7) {
                partial(c70, alpha, beta, c, cOff + 7 * ldc + 0, cols - 0);
                partial(c71, alpha, beta, c, cOff + 7 * ldc + 8, cols - 8);
            }
            if (rows > 8) {
                partial(c80, alpha, beta, c, cOff + 8 * ldc + 0, cols - 0);
                partial(c81, alpha, beta, c, cOff + 8 * ldc + 8, cols - 8);
            }
            if (rows > 9) {
                partial(c90, alpha, beta, c, cOff + 9 * ldc + 0, cols - 0);
                partial(c91, alpha, beta, c, cOff + 9 * ldc + 8, cols - 8);
            }
            if (rows > 10) {
                partial(c100, alpha, beta, c, cOff + 10 * ldc + 0, cols - 0);
                partial(c101, alpha, beta, c, cOff + 10 * ldc + 8, cols - 8);
            }
            if (rows > 11) {
                partial(c110, alpha, beta, c, cOff + 11 * ldc + 0, cols - 0);
                partial(c111, alpha, beta, c, cOff + 11 * ldc + 8, cols - 8);
            }
        }
    }


    /** c = alpha * acc + beta * c for one full vector at ci; C is not read when beta == 0. */
    private static void full(FloatVector acc, float alpha, float beta, float[] c, int ci) {
        FloatVector scaled = acc.mul(alpha);
        if (beta != 0f) {
            FloatVector old = FloatVector.fromArray(S, c, ci);
            scaled = beta == 1f ? scaled.add(old) : old.fma(FloatVector.broadcast(S, beta), scaled);
        }
        scaled.intoArray(c, ci);
    }

    /** As {@link #full} for the first n lanes at ci only (nothing when n <= 0). */
    private static void partial(FloatVector acc, float alpha, float beta, float[] c, int ci, int n) {
        if (n <= 0) {
            return;
        }
        VectorMask<Float> lanes = S.indexInRange(0, n);
        FloatVector scaled = acc.mul(alpha);
        if (beta != 0f) {
            scaled = FloatVector.fromArray(S, c, ci, lanes).fma(FloatVector.broadcast(S, beta), scaled);
        }
        scaled.intoArray(c, ci, lanes);
    }
}
