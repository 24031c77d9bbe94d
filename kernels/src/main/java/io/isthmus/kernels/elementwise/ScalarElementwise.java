package io.isthmus.kernels.elementwise;

/**
 * The scalar twin of every elementwise kernel: plain loops in float (double where the sum
 * would otherwise drift), readable and obviously right. The SIMD kernels are tested against it.
 */
public final class ScalarElementwise implements Elementwise {

    private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);
    private static final double INV_SQRT_2 = 1.0 / Math.sqrt(2.0);
    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);
    private static final double GELU_CUBIC = 0.044715;

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void add(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) {
            out[outOff + i] = x[xOff + i] + y[yOff + i];
        }
    }

    @Override
    public void sub(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) {
            out[outOff + i] = x[xOff + i] - y[yOff + i];
        }
    }

    @Override
    public void mul(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) {
            out[outOff + i] = x[xOff + i] * y[yOff + i];
        }
    }

    @Override
    public void div(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) {
            out[outOff + i] = x[xOff + i] / y[yOff + i];
        }
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    @Override
    public void scale(float alpha, float[] x, int xOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) {
            out[outOff + i] = alpha * x[xOff + i];
        }
    }

    @Override
    public void addScalar(float c, float[] x, int xOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) {
            out[outOff + i] = x[xOff + i] + c;
        }
    }

    @Override
    public void addBias(float[] x, int xOff, int rows, int cols, float[] bias, int biasOff) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                x[xOff + r * cols + j] += bias[biasOff + j];
            }
        }
    }

    @Override
    public void sumRowsInto(float[] dy, int dyOff, int rows, int cols, float[] biasGrad, int biasGradOff) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                biasGrad[biasGradOff + j] += dy[dyOff + r * cols + j];
            }
        }
    }

    @Override
    public void copyRows(float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride, int rows, int len) {
        for (int r = 0; r < rows; r++) {
            int from = srcOff + r * srcStride;
            int to = dstOff + r * dstStride;
            for (int j = 0; j < len; j++) {
                dst[to + j] = src[from + j];
            }
        }
    }

    @Override
    public void addRows(float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride, int rows, int len) {
        for (int r = 0; r < rows; r++) {
            int from = srcOff + r * srcStride;
            int to = dstOff + r * dstStride;
            for (int j = 0; j < len; j++) {
                dst[to + j] += src[from + j];
            }
        }
    }

    @Override
    public void relu(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = Math.max(x[xOff + i], 0f);
        }
    }

    @Override
    public void reluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        for (int i = 0; i < n; i++) {
            dx[dxOff + i] = x[xOff + i] > 0f ? dy[dyOff + i] : 0f;
        }
    }

    @Override
    public void leakyRelu(float slope, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i];
            y[yOff + i] = v > 0f ? v : slope * v;
        }
    }

    @Override
    public void leakyReluBackward(float slope, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        for (int i = 0; i < n; i++) {
            dx[dxOff + i] = x[xOff + i] > 0f ? dy[dyOff + i] : slope * dy[dyOff + i];
        }
    }

    @Override
    public void elu(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i];
            y[yOff + i] = v > 0f ? v : (float) (alpha * Math.expm1(v));
        }
    }

    @Override
    public void eluBackward(float alpha, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i];
            dx[dxOff + i] = v > 0f ? dy[dyOff + i] : (float) (dy[dyOff + i] * alpha * Math.exp(v));
        }
    }

    @Override
    public void sigmoid(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = (float) sigmoid(x[xOff + i]);
        }
    }

    @Override
    public void sigmoidBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        for (int i = 0; i < n; i++) {
            float s = y[yOff + i];
            dx[dxOff + i] = dy[dyOff + i] * s * (1f - s);
        }
    }

    @Override
    public void tanh(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = (float) Math.tanh(x[xOff + i]);
        }
    }

    @Override
    public void tanhBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        for (int i = 0; i < n; i++) {
            float t = y[yOff + i];
            dx[dxOff + i] = dy[dyOff + i] * (1f - t * t);
        }
    }

    @Override
    public void gelu(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            double v = x[xOff + i];
            y[yOff + i] = (float) (Double.isInfinite(v) ? gatedAtInfinity(v) : v * phiCdf(v));
        }
    }

    @Override
    public void geluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        for (int i = 0; i < n; i++) {
            double v = x[xOff + i];
            double pdf = INV_SQRT_2PI * Math.exp(-0.5 * v * v);
            double grad = Double.isInfinite(v) ? gatedSlopeAtInfinity(v) : phiCdf(v) + v * pdf;
            dx[dxOff + i] = (float) (dy[dyOff + i] * grad);
        }
    }

    @Override
    public void geluTanh(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            double v = x[xOff + i];
            double t = Math.tanh(SQRT_2_OVER_PI * (v + GELU_CUBIC * v * v * v));
            y[yOff + i] = (float) (Double.isInfinite(v) ? gatedAtInfinity(v) : 0.5 * v * (1 + t));
        }
    }

    @Override
    public void geluTanhBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        for (int i = 0; i < n; i++) {
            double v = x[xOff + i];
            double t = Math.tanh(SQRT_2_OVER_PI * (v + GELU_CUBIC * v * v * v));
            double inner = SQRT_2_OVER_PI * (1 + 3 * GELU_CUBIC * v * v);
            double grad = Double.isInfinite(v) ? gatedSlopeAtInfinity(v)
                    : 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * inner;
            dx[dxOff + i] = (float) (dy[dyOff + i] * grad);
        }
    }

    @Override
    public void silu(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            double v = x[xOff + i];
            y[yOff + i] = (float) (Double.isInfinite(v) ? gatedAtInfinity(v) : v * sigmoid(v));
        }
    }

    @Override
    public void siluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        for (int i = 0; i < n; i++) {
            double v = x[xOff + i];
            double s = sigmoid(v);
            double grad = Double.isInfinite(v) ? gatedSlopeAtInfinity(v) : s * (1 + v * (1 - s));
            dx[dxOff + i] = (float) (dy[dyOff + i] * grad);
        }
    }

    @Override
    public float expShifted(float[] x, int xOff, float shift, float[] out, int outOff, int n) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float e = (float) Math.exp(x[xOff + i] - shift);
            out[outOff + i] = e;
            sum += e;
        }
        return (float) sum;
    }

    @Override
    public void softmaxRows(float[] x, int xOff, float[] y, int yOff, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int xr = xOff + r * cols;
            int yr = yOff + r * cols;
            float max = max(x, xr, cols);
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                float e = (float) Math.exp(x[xr + j] - max);
                y[yr + j] = e;
                sum += e;
            }
            float inv = (float) (1.0 / sum);
            for (int j = 0; j < cols; j++) {
                y[yr + j] *= inv;
            }
        }
    }

    @Override
    public void softmaxRowsBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            float dot = dot(dy, dyOff + r * cols, y, yOff + r * cols, cols);
            for (int j = 0; j < cols; j++) {
                int i = r * cols + j;
                dx[dxOff + i] = y[yOff + i] * (dy[dyOff + i] - dot);
            }
        }
    }

    @Override
    public void logSoftmaxRows(float[] x, int xOff, float[] y, int yOff, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int xr = xOff + r * cols;
            int yr = yOff + r * cols;
            float max = max(x, xr, cols);
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                sum += Math.exp(x[xr + j] - max);
            }
            float logSum = (float) Math.log(sum);
            for (int j = 0; j < cols; j++) {
                y[yr + j] = x[xr + j] - max - logSum;
            }
        }
    }

    @Override
    public void logSoftmaxRowsBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            float total = sum(dy, dyOff + r * cols, cols);
            for (int j = 0; j < cols; j++) {
                int i = r * cols + j;
                dx[dxOff + i] = dy[dyOff + i] - (float) Math.exp(y[yOff + i]) * total;
            }
        }
    }

    @Override
    public float sum(float[] x, int xOff, int n) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += x[xOff + i];
        }
        return (float) sum;
    }

    @Override
    public float max(float[] x, int xOff, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i];
            if (v > max || Float.isNaN(v)) {
                max = v;
                if (Float.isNaN(v)) {
                    return v;
                }
            }
        }
        return max;
    }

    @Override
    public float dot(float[] x, int xOff, float[] y, int yOff, int n) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += (double) x[xOff + i] * y[yOff + i];
        }
        return (float) sum;
    }

    @Override
    public float sumOfSquares(float[] x, int xOff, int n) {
        return dot(x, xOff, x, xOff, n);
    }

    @Override
    public void adamUpdate(float[] param, float[] grad, float[] m, float[] v, int off, int n,
                           float lr, float beta1, float beta2, float eps, float weightDecay, boolean decoupled, int step) {
        double correction1 = 1 - Math.pow(beta1, step);
        double correction2 = 1 - Math.pow(beta2, step);
        float stepSize = (float) (lr / correction1);
        float invSqrtCorrection2 = (float) (1 / Math.sqrt(correction2));
        float mFloor = adamFirstMomentFloor(stepSize);
        float vFloor = adamSecondMomentFloor(eps);
        for (int i = off; i < off + n; i++) {
            float p = param[i];
            float g = grad[i];
            if (decoupled) {
                p *= 1f - lr * weightDecay;
            } else {
                g += weightDecay * p;
            }
            float mi = beta1 * m[i] + (1f - beta1) * g;
            float vi = beta2 * v[i] + (1f - beta2) * g * g;
            mi = Math.abs(mi) < mFloor ? 0f : mi;
            vi = vi < vFloor ? 0f : vi;
            m[i] = mi;
            v[i] = vi;
            param[i] = p - stepSize * mi / ((float) Math.sqrt(vi) * invSqrtCorrection2 + eps);
        }
    }

    /**
     * First moments below this (in magnitude) are stored as 0: MIN_NORMAL / stepSize, with the
     * step size clamped to [2^-20, 1], so that stepSize * m is never subnormal (see
     * {@link Elementwise#adamUpdate}). Public for the SIMD kernels, which must flush alike.
     */
    public static float adamFirstMomentFloor(float stepSize) {
        return Float.MIN_NORMAL / Math.max(Math.min(stepSize, 1f), 0x1p-20f);
    }

    /**
     * Second moments below this are stored as 0: MIN_NORMAL, but not with eps 0, where a 0
     * denominator would divide by 0. Public for the SIMD kernels, which must flush alike.
     */
    public static float adamSecondMomentFloor(float eps) {
        return eps > 0f ? Float.MIN_NORMAL : 0f;
    }

    private static double sigmoid(double v) {
        // Split by sign so exp never overflows: no Inf/NaN at +-80 or beyond.
        if (v >= 0) {
            return 1 / (1 + Math.exp(-v));
        }
        double e = Math.exp(v);
        return e / (1 + e);
    }

    /**
     * x g(x) at x = +-Inf for a gate g with g(+Inf) = 1, g(-Inf) = 0 (GELU, SiLU): the limits
     * +Inf and -0, where the formula would give -Inf * 0 = NaN.
     */
    private static double gatedAtInfinity(double v) {
        return v > 0 ? v : -0.0;
    }

    /** d/dx x g(x) at x = +-Inf: the limits 1 and 0, where the formula would give Inf * 0 = NaN. */
    private static double gatedSlopeAtInfinity(double v) {
        return v > 0 ? 1 : 0;
    }

    private static double phiCdf(double v) {
        return 0.5 * (1 + Erf.erf(v * INV_SQRT_2));
    }
}
