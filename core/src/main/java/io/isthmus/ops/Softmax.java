package io.isthmus.ops;

import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

/**
 * Softmax and log-softmax along one axis. The last axis runs on the row kernels; another axis
 * is moved last, computed there, and moved back (so both directions share one path).
 */
public final class Softmax {

    private Softmax() {
    }

    /** x: [..., C, ...]; result: same shape, each slice along {@code axis} sums to 1. */
    public static Tensor softmax(Tensor x, int axis) {
        return along(x, axis, false);
    }

    /** log(softmax(x)) computed stably; x: [..., C, ...]. */
    public static Tensor logSoftmax(Tensor x, int axis) {
        return along(x, axis, true);
    }

    private static Tensor along(Tensor x, int axis, boolean log) {
        int rank = x.dim();
        if (rank == 0) {
            throw new IllegalArgumentException((log ? "log_softmax" : "softmax") + " of a scalar");
        }
        int a = Shape.axis(axis, rank);
        if (a == rank - 1) {
            return lastAxis(x, log);
        }
        Tensor moved = ShapeOps.transpose(x, a, rank - 1);
        return ShapeOps.transpose(lastAxis(moved, log), a, rank - 1);
    }

    private static Tensor lastAxis(Tensor x, boolean log) {
        int cols = x.size(-1);
        int rows = cols == 0 ? 0 : x.numel() / cols;
        float[] y = new float[x.numel()];
        if (log) {
            Ops.kernels().logSoftmaxRows(x.data(), 0, y, 0, rows, cols);
        } else {
            Ops.kernels().softmaxRows(x.data(), 0, y, 0, rows, cols);
        }
        return Tensor.result(y, x.shape(), log ? "log_softmax" : "softmax", (gradOut, grads) -> {
            float[] dx = grads.overwrite(x);
            if (log) {
                Ops.kernels().logSoftmaxRowsBackward(y, 0, gradOut, 0, dx, 0, rows, cols);
            } else {
                Ops.kernels().softmaxRowsBackward(y, 0, gradOut, 0, dx, 0, rows, cols);
            }
        }, x);
    }
}
