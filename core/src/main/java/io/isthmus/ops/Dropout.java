package io.isthmus.ops;

import io.isthmus.tensor.Tensor;

import java.util.SplittableRandom;

/** Inverted dropout: zeroes each element with probability p and scales the rest by 1/(1-p). */
public final class Dropout {

    private Dropout() {
    }

    /** x: any shape; p in [0, 1); random: the seeded source of the mask. */
    public static Tensor dropout(Tensor x, float p, SplittableRandom random) {
        if (!(p >= 0f && p < 1f)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        }
        float keepScale = 1f / (1f - p);
        float[] mask = new float[x.numel()];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = random.nextDouble() < p ? 0f : keepScale;
        }
        float[] y = new float[mask.length];
        Ops.kernels().mul(x.data(), 0, mask, 0, y, 0, y.length);
        return Tensor.result(y, x.shape(), "dropout", (gradOut, grads) ->
                Ops.kernels().mul(gradOut, 0, mask, 0, grads.overwrite(x), 0, gradOut.length), x);
    }
}
