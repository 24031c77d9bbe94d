package io.isthmus.ops;

import io.isthmus.kernels.conv.Conv2dKernel;
import io.isthmus.kernels.conv.Conv2dShape;
import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

/**
 * 2-D convolution (PyTorch's {@code F.conv2d}: cross-correlation with zero padding) on NCHW
 * tensors, forward and backward in the conv kernels: im2col + GEMM with the bias fused, the
 * weight and bias gradients summed over the batch inside the kernel, the batch split across
 * threads when it is large ({@link io.isthmus.kernels.conv.FastConv2d}).
 */
public final class Conv {

    private Conv() {
    }

    /** Stride 1, no padding: x: [N, C, H, W]; weight: [O, C, KH, KW]; bias: [O] or null; result: [N, O, H - KH + 1, W - KW + 1]. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias) {
        return conv2d(x, weight, bias, Conv2dOptions.DEFAULT);
    }

    /** The same stride and padding along both axes. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int stride, int padding) {
        return conv2d(x, weight, bias, Conv2dOptions.DEFAULT.stride(stride).padding(padding));
    }

    /**
     * x: [N, C, H, W] (or one unbatched sample [C, H, W]); weight: [O, C / groups, KH, KW];
     * bias: [O] or null; result: [N, O, OH, OW] (or [O, OH, OW]) with
     * {@code OH = (H + 2 padH - dilationH (KH - 1) - 1) / strideH + 1}, the same along W.
     */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, Conv2dOptions options) {
        if (x.dim() == 3) {
            int[] xs = x.shape();
            Tensor out = conv2d(x.reshape(1, xs[0], xs[1], xs[2]), weight, bias, options);
            int[] os = out.shape();
            return out.reshape(os[1], os[2], os[3]);
        }
        Conv2dShape s = shape(x, weight, bias, options);
        Conv2dKernel kernel = Conv2dKernel.selected();
        float[] xd = x.data();
        float[] wd = weight.data();
        float[] y = new float[s.outputSize()];
        kernel.forward(s, xd, wd, bias == null ? null : bias.data(), y);
        return Tensor.result(y, s.outputShape(), "conv2d", (gradOut, grads) -> {
            // the kernel writes each wanted gradient whole, weight and bias summed over the batch
            float[] dx = grads.needs(x) ? grads.overwrite(x) : null;
            float[] dw = grads.needs(weight) ? grads.overwrite(weight) : null;
            float[] db = grads.needs(bias) ? grads.overwrite(bias) : null;
            kernel.backward(s, xd, wd, gradOut, dx, dw, db);
        }, x, weight, bias);
    }

    /** Checks the tensors against each other (naming both shapes) and the settings against the sizes. */
    private static Conv2dShape shape(Tensor x, Tensor weight, Tensor bias, Conv2dOptions o) {
        int[] xs = x.shape();
        int[] ws = weight.shape();
        if (xs.length != 4) {
            throw new IllegalArgumentException("conv2d: input must be [N, C, H, W] or [C, H, W], got " + Shape.str(xs)
                    + " (rank " + xs.length + ")");
        }
        if (ws.length != 4) {
            throw new IllegalArgumentException("conv2d: weight must be [out, in / groups, kH, kW], got " + Shape.str(ws)
                    + " (rank " + ws.length + ")");
        }
        int groups = o.groups();
        if (ws[0] % groups != 0) {
            throw new IllegalArgumentException("conv2d: weight " + Shape.str(ws) + " has " + ws[0]
                    + " output channels, not divisible by groups " + groups);
        }
        if ((long) ws[1] * groups != xs[1]) {
            throw new IllegalArgumentException("conv2d: input " + Shape.str(xs) + " has " + xs[1] + " channels, but weight "
                    + Shape.str(ws) + " with groups " + groups + " expects " + (long) ws[1] * groups
                    + " (weight [out, in / groups, kH, kW])");
        }
        if (bias != null && (bias.dim() != 1 || bias.size(0) != ws[0])) {
            throw new IllegalArgumentException("conv2d: bias " + Shape.str(bias.shape()) + " does not match weight "
                    + Shape.str(ws) + " (expected [" + ws[0] + "])");
        }
        try {
            return new Conv2dShape(xs[0], xs[1], xs[2], xs[3], ws[0], ws[2], ws[3], o.strideH(), o.strideW(),
                    o.padH(), o.padW(), o.dilationH(), o.dilationW(), groups);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " (input " + Shape.str(xs) + ", weight " + Shape.str(ws)
                    + ")", e);
        }
    }
}
