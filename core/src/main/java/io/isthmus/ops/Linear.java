package io.isthmus.ops;

import io.isthmus.kernels.Kernels;
import io.isthmus.kernels.Threads;
import io.isthmus.kernels.elementwise.Elementwise;
import io.isthmus.kernels.gemm.Gemm;
import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

/**
 * Fused affine map {@code y = x W^T + b} (PyTorch's layout: W is [out, in]); one GEMM forward,
 * two GEMMs and a column sum backward, all writing in place.
 */
public final class Linear {

    private Linear() {
    }

    /** x: [..., in]; weight: [out, in]; bias: [out] or null; result: [..., out]. */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        int[] xs = x.shape();
        int[] ws = weight.shape();
        if (ws.length != 2 || xs.length < 1 || xs[xs.length - 1] != ws[1]) {
            throw new IllegalArgumentException("linear: input " + Shape.str(xs) + " does not match weight " + Shape.str(ws)
                    + " (expected input [..., " + (ws.length == 2 ? ws[1] : "in") + "] and weight [out, in])");
        }
        int in = ws[1];
        int out = ws[0];
        if (bias != null && (bias.dim() != 1 || bias.size(0) != out)) {
            throw new IllegalArgumentException("linear: bias " + Shape.str(bias.shape()) + " does not match weight "
                    + Shape.str(ws) + " (expected [" + out + "])");
        }
        int rows = x.numel() / Math.max(in, 1);
        int[] outShape = xs.clone();
        outShape[outShape.length - 1] = out;
        Gemm gemm = Kernels.gemm();
        Elementwise k = Kernels.elementwise();
        float[] xd = x.data();
        float[] wd = weight.data();
        float[] y = new float[rows * out];
        gemm.sgemm(false, true, rows, out, in, 1f, xd, 0, in, wd, 0, in, 0f, y, 0, out);
        if (bias != null) {
            float[] b = bias.data();
            Threads.parallelRanges(rows, Threads.rowGrain(out),
                    (from, n) -> k.addBias(y, from * out, n, out, b, 0));
        }
        return Tensor.result(y, outShape, "linear", (gradOut, grads) -> {
            if (grads.needs(x)) {
                // dx [rows, in] = dy [rows, out] @ W [out, in]
                Ops.gemmIntoGrad(gemm, false, false, rows, in, out, gradOut, out, wd, in, x, grads);
            }
            if (grads.needs(weight)) {
                // dW [out, in] = dy^T [out, rows] @ x [rows, in]
                Ops.gemmIntoGrad(gemm, true, false, out, in, rows, gradOut, out, xd, in, weight, grads);
            }
            if (grads.needs(bias)) {
                k.sumRowsInto(gradOut, 0, rows, out, grads.zeroed(bias), 0);
            }
        }, x, weight, bias);
    }
}
