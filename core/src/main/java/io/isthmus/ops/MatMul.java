package io.isthmus.ops;

import io.isthmus.kernels.Kernels;
import io.isthmus.kernels.gemm.Gemm;
import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

/**
 * Matrix products through the kernels' GEMM. Backward passes transposes as GEMM flags and
 * accumulates straight into the gradient buffers (beta = 1): no transposed copies.
 */
public final class MatMul {

    private MatMul() {
    }

    /**
     * a: [M, K] or [..., M, K]; b: [K, N] (shared by every leading index) or [..., K, N] with the
     * same leading dims; result: [..., M, N].
     */
    public static Tensor matmul(Tensor a, Tensor b) {
        int[] as = a.shape();
        int[] bs = b.shape();
        if (as.length < 2 || bs.length < 2) {
            throw new IllegalArgumentException("matmul needs tensors of rank >= 2, got " + Shape.str(as) + " and "
                    + Shape.str(bs));
        }
        int m = as[as.length - 2];
        int k = as[as.length - 1];
        int kb = bs[bs.length - 2];
        int n = bs[bs.length - 1];
        if (k != kb) {
            throw new IllegalArgumentException("matmul: inner dimensions differ: " + Shape.str(as) + " @ " + Shape.str(bs)
                    + " (" + k + " vs " + kb + ")");
        }
        int[] outShape = as.clone();
        outShape[outShape.length - 1] = n;
        if (bs.length == 2) {
            return sharedRight(a, b, Shape.numel(as) / k, k, n, outShape);
        }
        if (as.length != bs.length || !leadingEqual(as, bs)) {
            throw new IllegalArgumentException("matmul: batch dimensions differ: " + Shape.str(as) + " @ " + Shape.str(bs));
        }
        return batched(a, b, Shape.numel(as) / (m * k), m, k, n, outShape);
    }

    private static boolean leadingEqual(int[] as, int[] bs) {
        for (int d = 0; d < as.length - 2; d++) {
            if (as[d] != bs[d]) {
                return false;
            }
        }
        return true;
    }

    /** Rows of a (all leading dims flattened): [rows, K] @ [K, N] as one GEMM. */
    private static Tensor sharedRight(Tensor a, Tensor b, int rows, int k, int n, int[] outShape) {
        Gemm gemm = Kernels.gemm();
        float[] x = a.data();
        float[] w = b.data();
        float[] out = new float[rows * n];
        gemm.sgemm(false, false, rows, n, k, 1f, x, 0, k, w, 0, n, 0f, out, 0, n);
        return Tensor.result(out, outShape, "matmul", (gradOut, grads) -> {
            if (grads.needs(a)) {
                // dA [rows, K] = dC [rows, N] @ B^T
                Ops.gemmIntoGrad(gemm, false, true, rows, k, n, gradOut, n, w, n, a, grads);
            }
            if (grads.needs(b)) {
                // dB [K, N] = A^T [K, rows] @ dC [rows, N]
                Ops.gemmIntoGrad(gemm, true, false, k, n, rows, x, k, gradOut, n, b, grads);
            }
        }, a, b);
    }

    /** [batch, M, K] @ [batch, K, N], one GEMM per batch index. */
    private static Tensor batched(Tensor a, Tensor b, int batch, int m, int k, int n, int[] outShape) {
        Gemm gemm = Kernels.gemm();
        float[] x = a.data();
        float[] y = b.data();
        float[] out = new float[batch * m * n];
        for (int i = 0; i < batch; i++) {
            gemm.sgemm(false, false, m, n, k, 1f, x, i * m * k, k, y, i * k * n, n, 0f, out, i * m * n, n);
        }
        return Tensor.result(out, outShape, "bmm", (gradOut, grads) -> {
            float[] da = grads.needs(a) ? grads.overwrite(a) : null;
            float[] db = grads.needs(b) ? grads.overwrite(b) : null;
            for (int i = 0; i < batch; i++) {
                if (da != null) {
                    gemm.sgemm(false, true, m, k, n, 1f, gradOut, i * m * n, n, y, i * k * n, n, 0f, da, i * m * k, k);
                }
                if (db != null) {
                    gemm.sgemm(true, false, k, n, m, 1f, x, i * m * k, k, gradOut, i * m * n, n, 0f, db, i * k * n, n);
                }
            }
        }, a, b);
    }
}
