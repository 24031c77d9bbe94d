package io.isthmus.ops;

import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

/**
 * Largest and smallest: elementwise of two tensors (maximum, minimum, with broadcasting), of a
 * whole tensor (max(), min()) and along one axis with the positions they came from. NaN wins
 * every comparison, as in PyTorch. Ties and NaN in the gradients follow PyTorch, stated on each op.
 */
public final class Extrema {

    private Extrema() {
    }

    // ---- elementwise of two tensors ----------------------------------------------------------

    /**
     * The larger of a and b per element, with broadcasting; a: [...], b: [...], result: their
     * broadcast. Gradient: to the larger side; on a tie half to each (PyTorch's rule).
     */
    public static Tensor maximum(Tensor a, Tensor b) {
        return elementwise(a, b, true);
    }

    /** The smaller of a and b per element, with broadcasting; on a tie the gradient is split half and half. */
    public static Tensor minimum(Tensor a, Tensor b) {
        return elementwise(a, b, false);
    }

    private static Tensor elementwise(Tensor a, Tensor b, boolean max) {
        String op = max ? "maximum" : "minimum";
        int[] aShape = a.shape();
        int[] bShape = b.shape();
        int[] outShape = Broadcast.shapes(op, aShape, bShape);
        float[] ad = a.data();
        float[] bd = b.data();
        float[] out = new float[Shape.numel(outShape)];
        // Math.max/min return NaN when either side is NaN
        Broadcast.binary(ad, aShape, bd, bShape, out, outShape, (x, xOff, xStep, y, yOff, yStep, o, oOff, n) -> {
            for (int i = 0; i < n; i++) {
                float u = x[xOff + i * xStep];
                float v = y[yOff + i * yStep];
                o[oOff + i] = max ? Math.max(u, v) : Math.min(u, v);
            }
        });
        return Tensor.result(out, outShape, op, (gradOut, grads) -> {
            boolean needA = grads.needs(a);
            boolean needB = grads.needs(b);
            float[] ga = needA ? new float[out.length] : null;
            float[] gb = needB ? new float[out.length] : null;
            Broadcast plan = Broadcast.plan(outShape, aShape, bShape);
            int n = plan.run();
            int aStep = plan.step(0);
            int bStep = plan.step(1);
            plan.forEachRun((outOff, aOff, bOff, unused) -> {
                for (int i = 0; i < n; i++) {
                    float u = ad[aOff + i * aStep];
                    float v = bd[bOff + i * bStep];
                    float g = gradOut[outOff + i];
                    // PyTorch: where(a == b, g / 2, g), zeroed where the side lost; with a NaN
                    // nothing compares, so both sides get g
                    float shared = u == v ? g * 0.5f : g;
                    boolean aLost = max ? u < v : u > v;
                    boolean bLost = max ? u > v : u < v;
                    if (ga != null) {
                        ga[outOff + i] = aLost ? 0f : shared;
                    }
                    if (gb != null) {
                        gb[outOff + i] = bLost ? 0f : shared;
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

    // ---- whole tensor ------------------------------------------------------------------------

    /**
     * The largest element, [] (NaN if any element is NaN). Gradient: shared evenly among the
     * elements equal to it (among the NaN elements when it is NaN), as PyTorch's max().
     */
    public static Tensor max(Tensor x) {
        return whole(x, true);
    }

    /** The smallest element, []; the gradient is shared evenly among the elements equal to it. */
    public static Tensor min(Tensor x) {
        return whole(x, false);
    }

    private static Tensor whole(Tensor x, boolean max) {
        String op = max ? "max" : "min";
        float[] xd = x.data();
        if (xd.length == 0) {
            throw new IllegalArgumentException(op + "() of an empty tensor of shape " + Shape.str(x.shape())
                    + " has no value");
        }
        float best = xd[0];
        for (int i = 1; i < xd.length && !Float.isNaN(best); i++) {
            if (beats(xd[i], best, max)) {
                best = xd[i];
            }
        }
        float value = best;
        boolean nan = Float.isNaN(value);
        return Tensor.result(new float[]{value}, new int[0], op, (gradOut, grads) -> {
            int count = 0;
            for (float v : xd) {
                count += selected(v, value, nan) ? 1 : 0;
            }
            float share = gradOut[0] / count;
            float[] dx = grads.overwrite(x);
            for (int i = 0; i < dx.length; i++) {
                dx[i] = selected(xd[i], value, nan) ? share : 0f;
            }
        }, x);
    }

    private static boolean selected(float v, float value, boolean nan) {
        return nan ? Float.isNaN(v) : v == value;
    }

    // ---- along one axis ----------------------------------------------------------------------

    /**
     * The largest element along {@code axis} and its position there; x: [..., n, ...] with n &gt; 0;
     * values and indices: x's shape without that axis (kept as 1 with keepDim). Ties give the
     * first position, a NaN the first NaN's. The gradient of the values goes to those positions
     * only, as PyTorch's max(dim).
     */
    public static ValuesAndIndices max(Tensor x, int axis, boolean keepDim) {
        return along(x, axis, keepDim, true);
    }

    /** The smallest element along {@code axis} and its position there; see {@link #max(Tensor, int, boolean)}. */
    public static ValuesAndIndices min(Tensor x, int axis, boolean keepDim) {
        return along(x, axis, keepDim, false);
    }

    private static ValuesAndIndices along(Tensor x, int axis, boolean keepDim, boolean max) {
        String op = max ? "max" : "min";
        int[] shape = x.shape();
        int a = Shape.axis(axis, shape.length);
        int n = shape[a];
        if (n == 0) {
            throw new IllegalArgumentException(op + ": axis " + axis + " of shape " + Shape.str(shape)
                    + " is empty, so it has no " + op);
        }
        int outer = product(shape, 0, a);
        int inner = product(shape, a + 1, shape.length);
        float[] xd = x.data();
        float[] values = new float[outer * inner];
        int[] indices = new int[outer * inner];
        // x viewed as [outer, n, inner]: slice 0 starts the result, each later slice is compared
        // to it block by block (contiguous reads)
        for (int o = 0; o < outer; o++) {
            int base = o * n * inner;
            int vOff = o * inner;
            System.arraycopy(xd, base, values, vOff, inner);
            for (int j = 1; j < n; j++) {
                int src = base + j * inner;
                for (int i = 0; i < inner; i++) {
                    if (beats(xd[src + i], values[vOff + i], max)) {
                        values[vOff + i] = xd[src + i];
                        indices[vOff + i] = j;
                    }
                }
            }
        }
        int[] outShape = keepDim ? keptShape(shape, a) : droppedShape(shape, a);
        Tensor valueTensor = Tensor.result(values, outShape, op, (gradOut, grads) -> {
            float[] dx = grads.zeroed(x);
            for (int o = 0; o < outer; o++) {
                for (int i = 0; i < inner; i++) {
                    int at = o * inner + i;
                    dx[(o * n + indices[at]) * inner + i] = gradOut[at];
                }
            }
        }, x);
        return new ValuesAndIndices(valueTensor, IndexTensor.of(indices, outShape));
    }

    /** True when candidate replaces current: strictly better, or the first NaN (which nothing then replaces). */
    private static boolean beats(float candidate, float current, boolean max) {
        if (current != current) {
            return false;
        }
        return candidate != candidate || (max ? candidate > current : candidate < current);
    }

    private static int product(int[] shape, int from, int to) {
        int product = 1;
        for (int d = from; d < to; d++) {
            product *= shape[d];
        }
        return product;
    }

    private static int[] keptShape(int[] shape, int axis) {
        int[] out = shape.clone();
        out[axis] = 1;
        return out;
    }

    private static int[] droppedShape(int[] shape, int axis) {
        int[] out = new int[shape.length - 1];
        for (int d = 0, j = 0; d < shape.length; d++) {
            if (d != axis) {
                out[j++] = shape[d];
            }
        }
        return out;
    }
}
