package io.isthmus.ops;

import io.isthmus.kernels.Kernels;
import io.isthmus.kernels.elementwise.Elementwise;
import io.isthmus.kernels.gemm.Gemm;
import io.isthmus.tensor.InputGrads;
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

    /**
     * The whole gradient of {@code target}, [m, n] = op(A) op(B), in one GEMM with beta 0 into a
     * buffer the engine hands over (and adopts as the gradient when that is still zero).
     */
    static void gemmIntoGrad(Gemm gemm, boolean transA, boolean transB, int m, int n, int k,
                             float[] a, int lda, float[] b, int ldb, Tensor target, InputGrads grads) {
        gemm.sgemm(transA, transB, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, grads.overwrite(target), 0, n);
    }

    static void requireSameShape(String op, Tensor a, Tensor b) {
        if (!Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalArgumentException(op + ": shapes " + Shape.str(a.shape()) + " and " + Shape.str(b.shape())
                    + " differ");
        }
    }

    /** Sums {@code g} (of shape {@code from}) down to {@code to}, the shape it was broadcast from; g itself when they agree. */
    static float[] sumToShape(float[] g, int[] from, int[] to) {
        if (Arrays.equals(from, to)) {
            return g;
        }
        return Broadcast.sumTo(g, from, to);
    }
}
