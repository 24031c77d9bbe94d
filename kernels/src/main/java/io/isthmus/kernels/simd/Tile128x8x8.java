package io.isthmus.kernels.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The 8 x 8 register tile on 128-bit vectors: 16 accumulators, 2 B vectors and one
 * broadcast A value live per step, which fits the 32 vector registers of AVX-512.
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
                               float alpha, float beta, float[] c, int cOff, int ldc, int cols) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        int p = 0;
        for (; p < kc; p++) {
            int bi = bOff + (p) * NR;
            int ai = aOff + (p) * MR;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + 4);
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
        }
        if (cols == NR) {
            full(c00, alpha, beta, c, cOff + 0 * ldc + 0);
            full(c01, alpha, beta, c, cOff + 0 * ldc + 4);
            if (rows > 1) {
                full(c10, alpha, beta, c, cOff + 1 * ldc + 0);
                full(c11, alpha, beta, c, cOff + 1 * ldc + 4);
            }
            if (rows > 2) {
                full(c20, alpha, beta, c, cOff + 2 * ldc + 0);
                full(c21, alpha, beta, c, cOff + 2 * ldc + 4);
            }
            if (rows > 3) {
                full(c30, alpha, beta, c, cOff + 3 * ldc + 0);
                full(c31, alpha, beta, c, cOff + 3 * ldc + 4);
            }
            if (rows > 4) {
                full(c40, alpha, beta, c, cOff + 4 * ldc + 0);
                full(c41, alpha, beta, c, cOff + 4 * ldc + 4);
            }
            if (rows > 5) {
                full(c50, alpha, beta, c, cOff + 5 * ldc + 0);
                full(c51, alpha, beta, c, cOff + 5 * ldc + 4);
            }
            if (rows > 6) {
                full(c60, alpha, beta, c, cOff + 6 * ldc + 0);
                full(c61, alpha, beta, c, cOff + 6 * ldc + 4);
            }
            if (rows > 7) {
                full(c70, alpha, beta, c, cOff + 7 * ldc + 0);
                full(c71, alpha, beta, c, cOff + 7 * ldc + 4);
            }
        } else {
            partial(c00, alpha, beta, c, cOff + 0 * ldc + 0, cols - 0);
            partial(c01, alpha, beta, c, cOff + 0 * ldc + 4, cols - 4);
            if (rows > 1) {
                partial(c10, alpha, beta, c, cOff + 1 * ldc + 0, cols - 0);
                partial(c11, alpha, beta, c, cOff + 1 * ldc + 4, cols - 4);
            }
            if (rows > 2) {
                partial(c20, alpha, beta, c, cOff + 2 * ldc + 0, cols - 0);
                partial(c21, alpha, beta, c, cOff + 2 * ldc + 4, cols - 4);
            }
            if (rows > 3) {
                partial(c30, alpha, beta, c, cOff + 3 * ldc + 0, cols - 0);
                partial(c31, alpha, beta, c, cOff + 3 * ldc + 4, cols - 4);
            }
            if (rows > 4) {
                partial(c40, alpha, beta, c, cOff + 4 * ldc + 0, cols - 0);
                partial(c41, alpha, beta, c, cOff + 4 * ldc + 4, cols - 4);
            }
            if (rows > 5) {
                partial(c50, alpha, beta, c, cOff + 5 * ldc + 0, cols - 0);
                partial(c51, alpha, beta, c, cOff + 5 * ldc + 4, cols - 4);
            }
            if (rows > 6) {
                partial(c60, alpha, beta, c, cOff + 6 * ldc + 0, cols - 0);
                partial(c61, alpha, beta, c, cOff + 6 * ldc + 4, cols - 4);
            }
            if (rows > 7) {
                partial(c70, alpha, beta, c, cOff + 7 * ldc + 0, cols - 0);
                partial(c71, alpha, beta, c, cOff + 7 * ldc + 4, cols - 4);
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
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int bi = bOff + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + 4);
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
        }
        if (cols == NR) {
            full(c00, alpha, beta, c, cOff + 0 * ldc + 0);
            full(c01, alpha, beta, c, cOff + 0 * ldc + 4);
            if (rows > 1) {
                full(c10, alpha, beta, c, cOff + 1 * ldc + 0);
                full(c11, alpha, beta, c, cOff + 1 * ldc + 4);
            }
            if (rows > 2) {
                full(c20, alpha, beta, c, cOff + 2 * ldc + 0);
                full(c21, alpha, beta, c, cOff + 2 * ldc + 4);
            }
            if (rows > 3) {
                full(c30, alpha, beta, c, cOff + 3 * ldc + 0);
                full(c31, alpha, beta, c, cOff + 3 * ldc + 4);
            }
            if (rows > 4) {
                full(c40, alpha, beta, c, cOff + 4 * ldc + 0);
                full(c41, alpha, beta, c, cOff + 4 * ldc + 4);
            }
            if (rows > 5) {
                full(c50, alpha, beta, c, cOff + 5 * ldc + 0);
                full(c51, alpha, beta, c, cOff + 5 * ldc + 4);
            }
            if (rows > 6) {
                full(c60, alpha, beta, c, cOff + 6 * ldc + 0);
                full(c61, alpha, beta, c, cOff + 6 * ldc + 4);
            }
            if (rows > 7) {
                full(c70, alpha, beta, c, cOff + 7 * ldc + 0);
                full(c71, alpha, beta, c, cOff + 7 * ldc + 4);
            }
        } else {
            partial(c00, alpha, beta, c, cOff + 0 * ldc + 0, cols - 0);
            partial(c01, alpha, beta, c, cOff + 0 * ldc + 4, cols - 4);
            if (rows > 1) {
                partial(c10, alpha, beta, c, cOff + 1 * ldc + 0, cols - 0);
                partial(c11, alpha, beta, c, cOff + 1 * ldc + 4, cols - 4);
            }
            if (rows > 2) {
                partial(c20, alpha, beta, c, cOff + 2 * ldc + 0, cols - 0);
                partial(c21, alpha, beta, c, cOff + 2 * ldc + 4, cols - 4);
            }
            if (rows > 3) {
                partial(c30, alpha, beta, c, cOff + 3 * ldc + 0, cols - 0);
                partial(c31, alpha, beta, c, cOff + 3 * ldc + 4, cols - 4);
            }
            if (rows > 4) {
                partial(c40, alpha, beta, c, cOff + 4 * ldc + 0, cols - 0);
                partial(c41, alpha, beta, c, cOff + 4 * ldc + 4, cols - 4);
            }
            if (rows > 5) {
                partial(c50, alpha, beta, c, cOff + 5 * ldc + 0, cols - 0);
                partial(c51, alpha, beta, c, cOff + 5 * ldc + 4, cols - 4);
            }
            if (rows > 6) {
                partial(c60, alpha, beta, c, cOff + 6 * ldc + 0, cols - 0);
                partial(c61, alpha, beta, c, cOff + 6 * ldc + 4, cols - 4);
            }
            if (rows > 7) {
                partial(c70, alpha, beta, c, cOff + 7 * ldc + 0, cols - 0);
                partial(c71, alpha, beta, c, cOff + 7 * ldc + 4, cols - 4);
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
