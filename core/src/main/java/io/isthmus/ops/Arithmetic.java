package io.isthmus.ops;

import io.isthmus.kernels.elementwise.Elementwise;
import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

import java.util.Arrays;

/** Add, subtract, multiply, divide with NumPy broadcasting; forward and backward side by side. */
public final class Arithmetic {

    private Arithmetic() {
    }

    private enum Kind { ADD, SUB, MUL, DIV }

    public static Tensor add(Tensor a, Tensor b) {
        return binary(Kind.ADD, a, b);
    }

    public static Tensor sub(Tensor a, Tensor b) {
        return binary(Kind.SUB, a, b);
    }

    public static Tensor mul(Tensor a, Tensor b) {
        return binary(Kind.MUL, a, b);
    }

    public static Tensor div(Tensor a, Tensor b) {
        return binary(Kind.DIV, a, b);
    }

    private static Tensor binary(Kind kind, Tensor a, Tensor b) {
        int[] aShape = a.shape();
        int[] bShape = b.shape();
        int[] outShape = Shape.broadcast(aShape, bShape);
        float[] x = a.data();
        float[] y = b.data();
        float[] out = new float[Shape.numel(outShape)];
        Elementwise k = Ops.kernels();
        boolean same = Arrays.equals(aShape, bShape);
        if (same) {
            apply(k, kind, x, 0, y, 0, out, 0, out.length);
        } else if (Arrays.equals(aShape, outShape) && isTrailingSuffix(bShape, outShape)) {
            // b repeats along the leading axes (bias-like): one kernel call per repetition
            int block = y.length;
            for (int off = 0; off < out.length; off += block) {
                apply(k, kind, x, off, y, 0, out, off, block);
            }
        } else {
            Broadcast.binary(x, aShape, y, bShape, out, outShape, runs(k, kind));
        }
        String op = kind.name().toLowerCase();
        return Tensor.result(out, outShape, op, (gradOut, grads) -> {
            // d(a op b)/da and /db, then summed back to each input's own shape
            if (grads.needs(a)) {
                float[] ga = switch (kind) {
                    case ADD, SUB -> gradOut;
                    case MUL -> product(gradOut, y, bShape, outShape);
                    case DIV -> quotient(gradOut, y, bShape, outShape);
                };
                grads.give(a, Ops.sumToShape(ga, outShape, aShape));
            }
            if (grads.needs(b)) {
                float[] gb = switch (kind) {
                    case ADD -> gradOut;
                    case SUB -> negated(gradOut);
                    case MUL -> product(gradOut, x, aShape, outShape);
                    case DIV -> divGradB(gradOut, x, aShape, y, bShape, outShape);
                };
                grads.give(b, Ops.sumToShape(gb, outShape, bShape));
            }
        }, a, b);
    }

    private static boolean isTrailingSuffix(int[] suffix, int[] shape) {
        if (suffix.length > shape.length) {
            return false;
        }
        int offset = shape.length - suffix.length;
        for (int d = 0; d < suffix.length; d++) {
            if (suffix[d] != shape[offset + d]) {
                return false;
            }
        }
        return true;
    }

    private static void apply(Elementwise k, Kind kind, float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n) {
        switch (kind) {
            case ADD -> k.add(x, xOff, y, yOff, out, outOff, n);
            case SUB -> k.sub(x, xOff, y, yOff, out, outOff, n);
            case MUL -> k.mul(x, xOff, y, yOff, out, outOff, n);
            case DIV -> k.div(x, xOff, y, yOff, out, outOff, n);
        }
    }

    /**
     * One run of a broadcast: both sides advancing is the kernel; one side repeating a scalar
     * is a scalar kernel where one exists (x - c is exactly x + (-c), c * y is y * c), a loop otherwise.
     */
    private static Broadcast.RunKernel runs(Elementwise k, Kind kind) {
        return (x, xOff, xStep, y, yOff, yStep, out, outOff, n) -> {
            if (xStep == 1 && yStep == 1) {
                apply(k, kind, x, xOff, y, yOff, out, outOff, n);
            } else if (yStep == 0) {
                float c = y[yOff];
                switch (kind) {
                    case ADD -> k.addScalar(c, x, xOff, out, outOff, n);
                    case SUB -> k.addScalar(-c, x, xOff, out, outOff, n);
                    case MUL -> k.scale(c, x, xOff, out, outOff, n);
                    case DIV -> {
                        for (int i = 0; i < n; i++) {
                            out[outOff + i] = x[xOff + i] / c;
                        }
                    }
                }
            } else {
                float c = x[xOff];
                switch (kind) {
                    case ADD -> k.addScalar(c, y, yOff, out, outOff, n);
                    case SUB -> {
                        for (int i = 0; i < n; i++) {
                            out[outOff + i] = c - y[yOff + i];
                        }
                    }
                    case MUL -> k.scale(c, y, yOff, out, outOff, n);
                    case DIV -> {
                        for (int i = 0; i < n; i++) {
                            out[outOff + i] = c / y[yOff + i];
                        }
                    }
                }
            }
        };
    }

    /** g * other, other broadcast from otherShape to outShape. */
    private static float[] product(float[] g, float[] other, int[] otherShape, int[] outShape) {
        float[] result = new float[g.length];
        if (other.length == g.length) {
            Ops.kernels().mul(g, 0, other, 0, result, 0, g.length);
            return result;
        }
        Broadcast.binary(g, outShape, other, otherShape, result, outShape, runs(Ops.kernels(), Kind.MUL));
        return result;
    }

    /** g / divisor, divisor broadcast from divisorShape to outShape. */
    private static float[] quotient(float[] g, float[] divisor, int[] divisorShape, int[] outShape) {
        float[] result = new float[g.length];
        Broadcast.binary(g, outShape, divisor, divisorShape, result, outShape, runs(Ops.kernels(), Kind.DIV));
        return result;
    }

    /** d(x / y)/dy = -g x / y^2. */
    private static float[] divGradB(float[] g, float[] x, int[] xShape, float[] y, int[] yShape, int[] outShape) {
        float[] result = new float[g.length];
        Broadcast plan = Broadcast.plan(outShape, xShape, yShape);
        int n = plan.run();
        int xStep = plan.step(0);
        int yStep = plan.step(1);
        plan.forEachRun((outOff, xOff, yOff, unused) -> {
            for (int i = 0; i < n; i++) {
                float yv = y[yOff + i * yStep];
                result[outOff + i] = -g[outOff + i] * x[xOff + i * xStep] / (yv * yv);
            }
        });
        return result;
    }

    private static float[] negated(float[] g) {
        float[] result = new float[g.length];
        Ops.kernels().scale(-1f, g, 0, result, 0, g.length);
        return result;
    }

    /** a + c for a scalar c. */
    public static Tensor addScalar(Tensor a, float c) {
        float[] out = new float[a.numel()];
        Ops.kernels().addScalar(c, a.data(), 0, out, 0, out.length);
        return Tensor.result(out, a.shape(), "add_scalar", (gradOut, grads) -> grads.give(a, gradOut), a);
    }

    /** a * c for a scalar c. */
    public static Tensor mulScalar(Tensor a, float c) {
        float[] out = new float[a.numel()];
        Ops.kernels().scale(c, a.data(), 0, out, 0, out.length);
        return Tensor.result(out, a.shape(), "mul_scalar", (gradOut, grads) ->
                Ops.kernels().scale(c, gradOut, 0, grads.overwrite(a), 0, gradOut.length), a);
    }
}
