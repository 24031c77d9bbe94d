package io.isthmus.ops;

import io.isthmus.kernels.Kernels;
import io.isthmus.kernels.gemm.Gemm;
import io.isthmus.tensor.InputGrads;
import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

import java.util.Arrays;

/**
 * Matrix products through the kernels' GEMM, batched over leading dimensions that broadcast as
 * in NumPy and PyTorch. Transposed operands are GEMM flags, never copies ({@code q K^T} reads K
 * in place), and backward accumulates straight into the gradient buffers.
 *
 * <p>A batch of products is split over the library's threads by product when there are enough
 * of them ({@link BatchedGemm}); a right operand shared by the whole batch makes one tall GEMM.
 */
public final class MatMul {

    private MatMul() {
    }

    /**
     * a: [..., M, K]; b: [..., K, N]; result: [..., M, N], the leading dims of a and b broadcast
     * against each other ([B, H, T, D] @ [B, H, D, T], [B, T, K] @ [K, N], [H, M, K] @ [B, 1, K, N]).
     */
    public static Tensor matmul(Tensor a, Tensor b) {
        return matmul(a, false, b, false);
    }

    /**
     * op(a) @ op(b), where op transposes the last two axes when its flag is set: a is
     * [..., M, K] (or [..., K, M] with transA), b is [..., K, N] (or [..., N, K] with transB);
     * result: [..., M, N] with the leading dims broadcast. Attention scores are
     * {@code matmul(q, false, k, true)}: [B, H, T, D] x [B, H, S, D] -> [B, H, T, S].
     */
    public static Tensor matmul(Tensor a, boolean transA, Tensor b, boolean transB) {
        int[] as = a.shape();
        int[] bs = b.shape();
        if (as.length < 2 || bs.length < 2) {
            throw new IllegalArgumentException("matmul needs tensors of rank >= 2, got " + Shape.str(as) + " and "
                    + Shape.str(bs));
        }
        int m = as[as.length - (transA ? 1 : 2)];
        int k = as[as.length - (transA ? 2 : 1)];
        int kb = bs[bs.length - (transB ? 1 : 2)];
        int n = bs[bs.length - (transB ? 2 : 1)];
        if (k != kb) {
            throw new IllegalArgumentException("matmul: inner dimensions differ: " + describe(as, transA) + " @ "
                    + describe(bs, transB) + " (" + k + " vs " + kb + ")");
        }
        int[] leadA = Arrays.copyOf(as, as.length - 2);
        int[] leadB = Arrays.copyOf(bs, bs.length - 2);
        int[] lead;
        try {
            lead = Shape.broadcast(leadA, leadB);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("matmul: batch dimensions " + Shape.str(leadA) + " of " + Shape.str(as)
                    + " and " + Shape.str(leadB) + " of " + Shape.str(bs) + " do not broadcast", e);
        }
        int[] outShape = Arrays.copyOf(lead, lead.length + 2);
        outShape[lead.length] = m;
        outShape[lead.length + 1] = n;
        Layout layout = new Layout(transA, transB, m, n, k, as[as.length - 1], bs[bs.length - 1], Shape.numel(lead),
                Shape.numel(leadA), Shape.numel(leadB), sliceIndex(leadA, lead), sliceIndex(leadB, lead));
        if (!transA && layout.slicesB == 1 && layout.slicesA == layout.batch) {
            return sharedRight(a, b, layout, outShape);
        }
        return batched(a, b, layout, outShape);
    }

    /** For each of the {@code numel(lead)} products, the slice of an operand with batch dims {@code own} it reads. */
    private static int[] sliceIndex(int[] own, int[] lead) {
        int count = Shape.numel(lead);
        int[] index = new int[count];
        int offset = lead.length - own.length;
        for (int p = 0; p < count; p++) {
            int rest = p;
            int slice = 0;
            int stride = 1;
            for (int d = lead.length - 1; d >= 0; d--) {
                int coordinate = rest % lead[d];
                rest /= lead[d];
                if (d >= offset && own[d - offset] != 1) {
                    slice += coordinate * stride;
                }
                if (d >= offset) {
                    stride *= own[d - offset];
                }
            }
            index[p] = slice;
        }
        return index;
    }

    private static String describe(int[] shape, boolean transposed) {
        return Shape.str(shape) + (transposed ? "^T" : "");
    }

    /**
     * Sizes of one batched product: op(A) [m, k], op(B) [k, n] with row strides lda and ldb;
     * {@code batch} products, product p reading slice aIndex[p] of A's {@code slicesA} and
     * bIndex[p] of B's {@code slicesB}.
     */
    private record Layout(boolean transA, boolean transB, int m, int n, int k, int lda, int ldb,
                          int batch, int slicesA, int slicesB, int[] aIndex, int[] bIndex) {

        long work() {
            return (long) m * n * k;
        }
    }

    /**
     * B shared by every product (b: [K, N] or [1, ..., K, N]) and A not transposed: A's rows, all
     * leading dims flattened, times B in one GEMM: [rows, K] @ op(B) -> [rows, N].
     */
    private static Tensor sharedRight(Tensor a, Tensor b, Layout l, int[] outShape) {
        Gemm gemm = Kernels.gemm();
        float[] x = a.data();
        float[] w = b.data();
        int rows = l.batch * l.m;
        int k = l.k;
        int n = l.n;
        boolean transB = l.transB;
        float[] out = new float[rows * n];
        gemm.sgemm(false, transB, rows, n, k, 1f, x, 0, k, w, 0, l.ldb, 0f, out, 0, n);
        return Tensor.result(out, outShape, "matmul", (gradOut, grads) -> {
            if (grads.needs(a)) {
                // dA [rows, K] = dC [rows, N] @ op(B)^T
                Ops.gemmIntoGrad(gemm, false, !transB, rows, k, n, gradOut, n, w, l.ldb, a, grads);
            }
            if (grads.needs(b)) {
                if (transB) {
                    // dB [N, K] = dC^T [N, rows] @ A [rows, K]
                    Ops.gemmIntoGrad(gemm, true, false, n, k, rows, gradOut, n, x, k, b, grads);
                } else {
                    // dB [K, N] = A^T [K, rows] @ dC [rows, N]
                    Ops.gemmIntoGrad(gemm, true, false, k, n, rows, x, k, gradOut, n, b, grads);
                }
            }
        }, a, b);
    }

    /** One GEMM per product of the broadcast batch, spread over threads by {@link BatchedGemm}. */
    private static Tensor batched(Tensor a, Tensor b, Layout l, int[] outShape) {
        Gemm gemm = Kernels.gemm();
        float[] x = a.data();
        float[] y = b.data();
        int m = l.m;
        int n = l.n;
        int k = l.k;
        int sliceA = m * k;
        int sliceB = k * n;
        int sliceC = m * n;
        float[] out = new float[l.batch * sliceC];
        BatchedGemm.run(l.batch, l.work(), (p, beta) -> gemm.sgemm(l.transA, l.transB, m, n, k, 1f,
                x, l.aIndex[p] * sliceA, l.lda, y, l.bIndex[p] * sliceB, l.ldb, beta, out, p * sliceC, n));
        return Tensor.result(out, outShape, "matmul", (gradOut, grads) -> {
            if (grads.needs(a)) {
                float[] da = gradBuffer(a, l.batch, grads);
                BatchedGemm.run(l.batch, l.aIndex, l.slicesA, l.work(), (p, beta) -> {
                    int aOff = l.aIndex[p] * sliceA;
                    int bOff = l.bIndex[p] * sliceB;
                    if (l.transA) {
                        // dA [K, M] = op(B) [K, N] @ dC^T [N, M]
                        gemm.sgemm(l.transB, true, k, m, n, 1f, y, bOff, l.ldb, gradOut, p * sliceC, n, beta, da, aOff, m);
                    } else {
                        // dA [M, K] = dC [M, N] @ op(B)^T [N, K]
                        gemm.sgemm(false, !l.transB, m, k, n, 1f, gradOut, p * sliceC, n, y, bOff, l.ldb, beta, da, aOff, k);
                    }
                });
            }
            if (grads.needs(b)) {
                float[] db = gradBuffer(b, l.batch, grads);
                BatchedGemm.run(l.batch, l.bIndex, l.slicesB, l.work(), (p, beta) -> {
                    int aOff = l.aIndex[p] * sliceA;
                    int bOff = l.bIndex[p] * sliceB;
                    if (l.transB) {
                        // dB [N, K] = dC^T [N, M] @ op(A) [M, K]
                        gemm.sgemm(true, l.transA, n, k, m, 1f, gradOut, p * sliceC, n, x, aOff, l.lda, beta, db, bOff, k);
                    } else {
                        // dB [K, N] = op(A)^T [K, M] @ dC [M, N]
                        gemm.sgemm(!l.transA, false, k, n, m, 1f, x, aOff, l.lda, gradOut, p * sliceC, n, beta, db, bOff, n);
                    }
                });
            }
        }, a, b);
    }

    /** The gradient buffer of an operand: written whole by the products, or zero when the batch is empty. */
    private static float[] gradBuffer(Tensor operand, int batch, InputGrads grads) {
        return batch == 0 ? grads.zeroed(operand) : grads.overwrite(operand);
    }
}
