package io.isthmus.ops;

import io.isthmus.kernels.Kernels;
import io.isthmus.kernels.elementwise.Elementwise;
import io.isthmus.kernels.gemm.Gemm;
import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

import java.util.Arrays;

/** Small helpers shared by the ops: kernels, shape checks, gradient accumulation. */
final class Ops {

    private Ops() {
    }

    static Elementwise kernels() {
        return Kernels.elementwise();
    }

    /** True when {@code t} takes part in the backward pass. */
    static boolean needsGrad(Tensor t) {
        return t != null && t.requiresGrad();
    }

    /** grad(t) += g; g: t's shape. */
    static void accumulate(Tensor t, float[] g) {
        if (needsGrad(t)) {
            float[] buffer = t.gradBuffer();
            kernels().axpy(1f, g, 0, buffer, 0, g.length);
        }
    }

    /**
     * The whole gradient of {@code target}, [m, n], += op(A) op(B) in one GEMM. A zero gradient
     * (never written, or zeroGrad()) is overwritten with beta 0, not zero-filled and added to.
     */
    static void gemmIntoGrad(Gemm gemm, boolean transA, boolean transB, int m, int n, int k,
                             float[] a, int lda, float[] b, int ldb, Tensor target) {
        boolean zero = target.gradIsZero();
        float[] grad = zero ? target.gradForOverwrite() : target.gradBuffer();
        gemm.sgemm(transA, transB, m, n, k, 1f, a, 0, lda, b, 0, ldb, zero ? 0f : 1f, grad, 0, n);
    }

    static void requireSameShape(String op, Tensor a, Tensor b) {
        if (!Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalArgumentException(op + ": shapes " + Shape.str(a.shape()) + " and " + Shape.str(b.shape())
                    + " differ");
        }
    }

    /** Sums {@code g} (of shape {@code from}) down to {@code to}, the shape it was broadcast from. */
    static float[] sumToShape(float[] g, int[] from, int[] to) {
        if (Arrays.equals(from, to)) {
            return g;
        }
        float[] reduced = new float[Shape.numel(to)];
        int[] index = Shape.broadcastIndex(to, from);
        for (int i = 0; i < g.length; i++) {
            reduced[index[i]] += g[i];
        }
        return reduced;
    }
}
