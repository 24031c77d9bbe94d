package io.isthmus.ops;

import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

import java.util.SplittableRandom;

/**
 * Inverted dropout: zeroes each element (or, {@link #channelDropout}, each whole channel) with
 * probability p and scales the rest by 1/(1-p).
 */
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

    /**
     * Channel dropout (PyTorch's dropout2d on [N, C, H, W]): each [*] slice of x: [N, C, *] is
     * zeroed whole with probability p (one draw per (n, c), in that order) or scaled by
     * 1/(1-p). p in [0, 1); random: the seeded source of the mask.
     */
    public static Tensor channelDropout(Tensor x, float p, SplittableRandom random) {
        if (!(p >= 0f && p < 1f)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        }
        if (x.dim() < 2) {
            throw new IllegalArgumentException("channel dropout expects x [N, C, *], got " + Shape.str(x.shape())
                    + " (rank " + x.dim() + ")");
        }
        int channels = x.size(0) * x.size(1);
        int size = channels == 0 ? 0 : x.numel() / channels;
        float keepScale = 1f / (1f - p);
        float[] scale = new float[channels];
        for (int i = 0; i < channels; i++) {
            scale[i] = random.nextDouble() < p ? 0f : keepScale;
        }
        float[] y = new float[x.numel()];
        float[] data = x.data();
        for (int ch = 0; ch < channels; ch++) {
            Ops.kernels().scale(scale[ch], data, ch * size, y, ch * size, size);
        }
        return Tensor.result(y, x.shape(), "channel_dropout", (gradOut, grads) -> {
            float[] dx = grads.overwrite(x);
            for (int ch = 0; ch < channels; ch++) {
                Ops.kernels().scale(scale[ch], gradOut, ch * size, dx, ch * size, size);
            }
        }, x);
    }
}
