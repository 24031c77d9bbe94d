package io.isthmus.ops;

import io.isthmus.kernels.norm.LayerNormKernel;
import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

/**
 * PyTorch's {@code F.layer_norm} over the last axis: x: [..., D], weight and bias [D] or null.
 * One autograd node; kernels: {@link LayerNormKernel} (each row fused, mean and 1/std kept for
 * backward).
 */
public final class LayerNormOp {

    private LayerNormOp() {
    }

    /**
     * y = (x - mean) / sqrt(var + eps) * weight + bias, mean and biased variance per row of the
     * last axis.
     *
     * @param x      [..., D], rank >= 1
     * @param weight [D] or null (no scale)
     * @param bias   [D] or null (no shift)
     * @param eps    added to the variance (PyTorch's default 1e-5), >= 0
     */
    public static Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, double eps) {
        int[] shape = x.shape();
        if (shape.length < 1) {
            throw new IllegalArgumentException("layer_norm expects x [..., D] of rank >= 1, got " + Shape.str(shape)
                    + " (rank 0)");
        }
        int d = shape[shape.length - 1];
        requireLast("weight", weight, x, d);
        requireLast("bias", bias, x, d);
        if (!(eps >= 0)) {
            throw new IllegalArgumentException("layer_norm: eps must be >= 0, got " + eps);
        }
        int rows = d == 0 ? 0 : x.numel() / d;
        float[] w = weight == null ? null : weight.data();
        float[] b = bias == null ? null : bias.data();
        float[] y = new float[x.numel()];
        float[] mean = new float[rows];
        float[] invStd = new float[rows];
        LayerNormKernel kernel = LayerNormKernel.selected();
        kernel.forward(rows, d, x.data(), w, b, (float) eps, y, mean, invStd);
        return Tensor.result(y, shape, "layer_norm", (gradOut, grads) -> {
            float[] dx = grads.needs(x) ? grads.overwrite(x) : null;
            float[] dw = grads.needs(weight) ? grads.overwrite(weight) : null;
            float[] db = grads.needs(bias) ? grads.overwrite(bias) : null;
            kernel.backward(rows, d, x.data(), gradOut, w, mean, invStd, dx, dw, db);
        }, x, weight, bias);
    }

    private static void requireLast(String name, Tensor t, Tensor x, int d) {
        if (t != null && (t.dim() != 1 || t.size(0) != d)) {
            throw new IllegalArgumentException("layer_norm: " + name + " has shape " + Shape.str(t.shape())
                    + " but x " + Shape.str(x.shape()) + " normalizes a last axis of " + d + ": expected [" + d + "]");
        }
    }
}
