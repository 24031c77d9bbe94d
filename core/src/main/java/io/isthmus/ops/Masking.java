package io.isthmus.ops;

import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

import java.util.Arrays;

/**
 * Choosing elements by a mask: where, maskedFill, and the triangles tril and triu. A mask or
 * condition is an {@link IndexTensor} read as booleans (nonzero is true) that broadcasts
 * against the values: a [T, T] causal mask or a [B, 1, 1, T] padding mask against attention
 * scores [B, H, T, T]. {@link Masks} makes the usual ones.
 */
public final class Masking {

    private Masking() {
    }

    /**
     * a where the condition holds, b elsewhere; condition, a, b: shapes broadcasting together,
     * result: their broadcast. Gradient: to a where the condition holds, to b elsewhere, each
     * summed back to its own shape.
     */
    public static Tensor where(IndexTensor condition, Tensor a, Tensor b) {
        int[] cShape = condition.shape();
        int[] aShape = a.shape();
        int[] bShape = b.shape();
        int[] outShape;
        try {
            outShape = Shape.broadcast(Shape.broadcast(cShape, aShape), bShape);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("where: condition " + Shape.str(cShape) + ", a " + Shape.str(aShape)
                    + " and b " + Shape.str(bShape) + " do not broadcast together", e);
        }
        int[] cd = condition.data();
        float[] ad = a.data();
        float[] bd = b.data();
        float[] out = new float[Shape.numel(outShape)];
        Broadcast plan = Broadcast.plan(outShape, cShape, aShape, bShape);
        int n = plan.run();
        int cStep = plan.step(0);
        int aStep = plan.step(1);
        int bStep = plan.step(2);
        plan.forEachRun((outOff, cOff, aOff, bOff) -> {
            for (int i = 0; i < n; i++) {
                out[outOff + i] = cd[cOff + i * cStep] != 0 ? ad[aOff + i * aStep] : bd[bOff + i * bStep];
            }
        });
        return Tensor.result(out, outShape, "where", (gradOut, grads) -> {
            boolean needA = grads.needs(a);
            boolean needB = grads.needs(b);
            float[] ga = needA ? new float[out.length] : null;
            float[] gb = needB ? new float[out.length] : null;
            plan.forEachRun((outOff, cOff, aOff, bOff) -> {
                for (int i = 0; i < n; i++) {
                    boolean chosen = cd[cOff + i * cStep] != 0;
                    float g = gradOut[outOff + i];
                    if (ga != null) {
                        ga[outOff + i] = chosen ? g : 0f;
                    }
                    if (gb != null) {
                        gb[outOff + i] = chosen ? 0f : g;
                    }
                }
            });
            if (needA) {
                grads.give(a, Ops.sumToShape(ga, outShape, aShape));
            }
            if (needB) {
                grads.give(b, Ops.sumToShape(gb, outShape, bShape));
            }
        }, a, b);
    }

    /**
     * x with {@code value} wherever the mask is nonzero; mask: broadcastable to x's shape (not
     * the other way round), result: x's shape. Gradient: dy where the mask is 0, 0 where it
     * was filled. Typical: {@code maskedFill(scores, Masks.causal(T), -infinity)} before softmax.
     */
    public static Tensor maskedFill(Tensor x, IndexTensor mask, float value) {
        int[] shape = x.shape();
        int[] mShape = mask.shape();
        Broadcast plan = maskPlan("maskedFill", shape, mShape);
        int n = plan.run();
        int mStep = plan.step(0);
        int[] md = mask.data();
        float[] xd = x.data();
        float[] out = new float[xd.length];
        plan.forEachRun((off, mOff, u1, u2) -> {
            for (int i = 0; i < n; i++) {
                out[off + i] = md[mOff + i * mStep] != 0 ? value : xd[off + i];
            }
        });
        return Tensor.result(out, shape, "masked_fill", (gradOut, grads) -> {
            float[] dx = grads.overwrite(x);
            plan.forEachRun((off, mOff, u1, u2) -> {
                for (int i = 0; i < n; i++) {
                    dx[off + i] = md[mOff + i * mStep] != 0 ? 0f : gradOut[off + i];
                }
            });
        }, x);
    }

    private static Broadcast maskPlan(String op, int[] shape, int[] maskShape) {
        if (!Broadcast.broadcastsTo(maskShape, shape)) {
            throw new IllegalArgumentException(op + ": mask " + Shape.str(maskShape) + " does not broadcast to x "
                    + Shape.str(shape) + " (each mask axis, right-aligned, must equal x's or be 1)");
        }
        return Broadcast.plan(shape, maskShape);
    }

    // ---- triangles ---------------------------------------------------------------------------

    /**
     * The lower triangle of the last two axes: x[..., i, j] where j - i &lt;= diagonal, 0 above
     * (PyTorch's tril); x: [..., R, C], rank &gt;= 2. diagonal 0 keeps the main diagonal, -1
     * drops it, 1 keeps one more. The gradient passes where the value was kept.
     */
    public static Tensor tril(Tensor x, int diagonal) {
        return triangle(x, diagonal, true);
    }

    /** The upper triangle of the last two axes: x[..., i, j] where j - i &gt;= diagonal, 0 below (PyTorch's triu). */
    public static Tensor triu(Tensor x, int diagonal) {
        return triangle(x, diagonal, false);
    }

    private static Tensor triangle(Tensor x, int diagonal, boolean lower) {
        String op = lower ? "tril" : "triu";
        int[] shape = x.shape();
        if (shape.length < 2) {
            throw new IllegalArgumentException(op + " needs a tensor of rank >= 2 (its last two axes are the matrix), got "
                    + Shape.str(shape));
        }
        int rows = shape[shape.length - 2];
        int cols = shape[shape.length - 1];
        float[] out = new float[x.numel()];
        keepTriangle(x.data(), out, rows, cols, diagonal, lower);
        return Tensor.result(out, shape, op, (gradOut, grads) ->
                keepTriangle(gradOut, grads.overwrite(x), rows, cols, diagonal, lower), x);
    }

    /** Writes all of dst: src's elements inside the triangle of every [rows, cols] matrix, 0 outside. */
    private static void keepTriangle(float[] src, float[] dst, int rows, int cols, int diagonal, boolean lower) {
        int matrix = rows * cols;
        int matrices = matrix == 0 ? 0 : src.length / matrix;
        for (int m = 0; m < matrices; m++) {
            for (int i = 0; i < rows; i++) {
                int row = m * matrix + i * cols;
                // row i keeps columns [from, to): j <= i + diagonal (lower) or j >= i + diagonal (upper)
                int edge = (int) Math.max(0, Math.min((long) cols, (long) i + diagonal + (lower ? 1 : 0)));
                int from = lower ? 0 : edge;
                int to = lower ? edge : cols;
                Arrays.fill(dst, row, row + from, 0f);
                System.arraycopy(src, row + from, dst, row + from, to - from);
                Arrays.fill(dst, row + to, row + cols, 0f);
            }
        }
    }
}
