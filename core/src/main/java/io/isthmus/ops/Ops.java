package io.isthmus.ops;

import io.isthmus.kernels.Kernels;
import io.isthmus.kernels.elementwise.Elementwise;
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
