package io.isthmus.ops;

import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

import java.util.Arrays;

/** Sum and mean, over everything or over axes (optionally keeping them as size 1). */
public final class Reductions {

    private Reductions() {
    }

    /** Sum of all elements; result: [] (scalar). */
    public static Tensor sum(Tensor x) {
        float total = Ops.kernels().sum(x.data(), 0, x.numel());
        return Tensor.result(new float[]{total}, new int[0], "sum", (gradOut, grads) ->
                Arrays.fill(grads.overwrite(x), gradOut[0]), x);
    }

    /** Mean of all elements; result: []. */
    public static Tensor mean(Tensor x) {
        if (x.numel() == 0) {
            throw new IllegalArgumentException("mean of an empty tensor of shape " + Shape.str(x.shape()));
        }
        float scale = 1f / x.numel();
        float total = Ops.kernels().sum(x.data(), 0, x.numel());
        return Tensor.result(new float[]{total * scale}, new int[0], "mean", (gradOut, grads) ->
                Arrays.fill(grads.overwrite(x), gradOut[0] * scale), x);
    }

    /** Sum over {@code axes}; x: [...]; result drops those axes, or keeps them as 1 with keepDim. */
    public static Tensor sum(Tensor x, int[] axes, boolean keepDim) {
        return reduce(x, axes, keepDim, false);
    }

    /** Mean over {@code axes}. */
    public static Tensor mean(Tensor x, int[] axes, boolean keepDim) {
        return reduce(x, axes, keepDim, true);
    }

    private static Tensor reduce(Tensor x, int[] axes, boolean keepDim, boolean mean) {
        int[] shape = x.shape();
        boolean[] reduced = new boolean[shape.length];
        for (int axis : axes) {
            int a = Shape.axis(axis, shape.length);
            if (reduced[a]) {
                throw new IllegalArgumentException("axis " + axis + " given twice in " + Arrays.toString(axes));
            }
            reduced[a] = true;
        }
        int[] kept = shape.clone();
        int count = 1;
        for (int d = 0; d < shape.length; d++) {
            if (reduced[d]) {
                count *= shape[d];
                kept[d] = 1;
            }
        }
        if (mean && count == 0) {
            throw new IllegalArgumentException("mean over empty axes " + Arrays.toString(axes) + " of shape " + Shape.str(shape));
        }
        float scale = mean ? 1f / count : 1f;
        // the kept shape broadcasts back to x's: the sum is a broadcast's backward, the gradient its forward
        float[] out = Broadcast.sumTo(x.data(), shape, kept);
        if (mean) {
            Ops.kernels().scale(scale, out, 0, out, 0, out.length);
        }
        int[] outShape = keepDim ? kept : dropAxes(shape, reduced);
        return Tensor.result(out, outShape, mean ? "mean" : "sum", (gradOut, grads) -> {
            float[] g = grads.overwrite(x);
            Broadcast.expandInto(gradOut, kept, shape, g);
            if (mean) {
                Ops.kernels().scale(scale, g, 0, g, 0, g.length);
            }
        }, x);
    }

    private static int[] dropAxes(int[] shape, boolean[] reduced) {
        int rank = 0;
        for (boolean r : reduced) {
            rank += r ? 0 : 1;
        }
        int[] out = new int[rank];
        int j = 0;
        for (int d = 0; d < shape.length; d++) {
            if (!reduced[d]) {
                out[j++] = shape[d];
            }
        }
        return out;
    }
}
