package io.isthmus.ops;

import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

/**
 * Elementwise math: exp, log, sqrt, pow, abs, neg, clamp; forward and backward side by side.
 * Every op keeps its input's shape except pow of two tensors, which broadcasts. Gradients at
 * the points where a function has no derivative follow PyTorch (stated on each op).
 */
public final class MathOps {

    private MathOps() {
    }

    /** e^x; x: any shape. dx = dy * y. */
    public static Tensor exp(Tensor x) {
        float[] xd = x.data();
        float[] y = new float[xd.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = (float) Math.exp(xd[i]);
        }
        return Tensor.result(y, x.shape(), "exp", (gradOut, grads) ->
                Ops.kernels().mul(gradOut, 0, y, 0, grads.overwrite(x), 0, y.length), x);
    }

    /** Natural logarithm; NaN below 0 and -infinity at 0, as in PyTorch. dx = dy / x. */
    public static Tensor log(Tensor x) {
        float[] xd = x.data();
        float[] y = new float[xd.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = (float) Math.log(xd[i]);
        }
        return Tensor.result(y, x.shape(), "log", (gradOut, grads) ->
                Ops.kernels().div(gradOut, 0, xd, 0, grads.overwrite(x), 0, xd.length), x);
    }

    /** Square root; NaN below 0. dx = dy / (2 y), infinite at 0 as in PyTorch. */
    public static Tensor sqrt(Tensor x) {
        float[] xd = x.data();
        float[] y = new float[xd.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = (float) Math.sqrt(xd[i]);
        }
        return Tensor.result(y, x.shape(), "sqrt", (gradOut, grads) -> {
            float[] dx = grads.overwrite(x);
            for (int i = 0; i < dx.length; i++) {
                dx[i] = gradOut[i] / (2f * y[i]);
            }
        }, x);
    }

    /**
     * x^p for a constant exponent. dx = dy * p * x^(p-1); for p = 0 the gradient is 0 everywhere
     * (PyTorch's rule, which also avoids 0 * infinity at x = 0).
     */
    public static Tensor pow(Tensor x, float exponent) {
        float[] xd = x.data();
        float[] y = new float[xd.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = (float) Math.pow(xd[i], exponent);
        }
        return Tensor.result(y, x.shape(), "pow", (gradOut, grads) -> {
            float[] dx = grads.overwrite(x);
            for (int i = 0; i < dx.length; i++) {
                dx[i] = exponent == 0f ? 0f : gradOut[i] * (exponent * (float) Math.pow(xd[i], exponent - 1.0));
            }
        }, x);
    }

    /**
     * a^b elementwise with broadcasting; a: [...], b: [...], result: their broadcast. As in
     * PyTorch: da = dy * b * a^(b-1), 0 where b = 0; db = dy * a^b * log(a), 0 where a = 0 and
     * b &gt;= 0 (where a^b is 0 or 1 and log(a) would give NaN or infinity).
     */
    public static Tensor pow(Tensor a, Tensor b) {
        int[] aShape = a.shape();
        int[] bShape = b.shape();
        int[] outShape = Broadcast.shapes("pow", aShape, bShape);
        float[] ad = a.data();
        float[] bd = b.data();
        float[] y = new float[Shape.numel(outShape)];
        Broadcast.binary(ad, aShape, bd, bShape, y, outShape, (x, xOff, xStep, e, eOff, eStep, out, outOff, n) -> {
            for (int i = 0; i < n; i++) {
                out[outOff + i] = (float) Math.pow(x[xOff + i * xStep], e[eOff + i * eStep]);
            }
        });
        return Tensor.result(y, outShape, "pow", (gradOut, grads) -> {
            boolean needA = grads.needs(a);
            boolean needB = grads.needs(b);
            float[] ga = needA ? new float[y.length] : null;
            float[] gb = needB ? new float[y.length] : null;
            Broadcast plan = Broadcast.plan(outShape, aShape, bShape);
            int n = plan.run();
            int aStep = plan.step(0);
            int bStep = plan.step(1);
            plan.forEachRun((outOff, aOff, bOff, unused) -> {
                for (int i = 0; i < n; i++) {
                    float base = ad[aOff + i * aStep];
                    float e = bd[bOff + i * bStep];
                    float g = gradOut[outOff + i];
                    if (ga != null) {
                        ga[outOff + i] = e == 0f ? 0f : g * (e * (float) Math.pow(base, e - 1.0));
                    }
                    if (gb != null) {
                        gb[outOff + i] = base == 0f && e >= 0f ? 0f : g * (y[outOff + i] * (float) Math.log(base));
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

    /** |x|. dx = dy * sign(x), 0 at x = 0 (PyTorch's sign). */
    public static Tensor abs(Tensor x) {
        float[] xd = x.data();
        float[] y = new float[xd.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = Math.abs(xd[i]);
        }
        return Tensor.result(y, x.shape(), "abs", (gradOut, grads) -> {
            float[] dx = grads.overwrite(x);
            for (int i = 0; i < dx.length; i++) {
                dx[i] = gradOut[i] * Math.signum(xd[i]);
            }
        }, x);
    }

    /** -x. dx = -dy. */
    public static Tensor neg(Tensor x) {
        float[] y = new float[x.numel()];
        Ops.kernels().scale(-1f, x.data(), 0, y, 0, y.length);
        return Tensor.result(y, x.shape(), "neg", (gradOut, grads) ->
                Ops.kernels().scale(-1f, gradOut, 0, grads.overwrite(x), 0, gradOut.length), x);
    }

    /**
     * x limited to [min, max] (an infinite bound leaves that side open; NaN stays NaN). The
     * gradient passes where min &lt;= x &lt;= max, boundaries included, and is 0 outside, as in
     * PyTorch. min &gt; max or a NaN bound is an error.
     */
    public static Tensor clamp(Tensor x, float min, float max) {
        if (Float.isNaN(min) || Float.isNaN(max) || min > max) {
            throw new IllegalArgumentException("clamp: bounds [" + min + ", " + max + "] are not an interval (min must be"
                    + " <= max and neither NaN)");
        }
        float[] xd = x.data();
        float[] y = new float[xd.length];
        for (int i = 0; i < y.length; i++) {
            float v = xd[i];
            y[i] = v < min ? min : v > max ? max : v;
        }
        return Tensor.result(y, x.shape(), "clamp", (gradOut, grads) -> {
            float[] dx = grads.overwrite(x);
            for (int i = 0; i < dx.length; i++) {
                float v = xd[i];
                dx[i] = v >= min && v <= max ? gradOut[i] : 0f;
            }
        }, x);
    }
}
