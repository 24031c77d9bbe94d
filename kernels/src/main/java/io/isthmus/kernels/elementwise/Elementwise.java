package io.isthmus.kernels.elementwise;

/**
 * Elementwise, row-wise and reduction kernels on flat {@code float[]} storage.
 *
 * <p>Two implementations with one contract: {@link ScalarElementwise} (plain loops, the oracle)
 * and {@code io.isthmus.kernels.simd.SimdElementwise} (Vector API). Arguments are validated by
 * the caller (core's ops); kernels assume every range fits its array. Unless said otherwise,
 * {@code out} may be the same array and offset as an input (in place). Backward kernels take
 * the forward input {@code x} (or output {@code y} where noted) and the upstream gradient
 * {@code dy}, and <em>write</em> (not accumulate) {@code dx}.
 */
public interface Elementwise {

    /** Short name for logs and benchmarks: scalar or simd. */
    String name();

    // ---- arithmetic --------------------------------------------------------------------------

    /** out[i] = x[i] + y[i]; x, y, out: [n]. */
    void add(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n);

    /** out[i] = x[i] - y[i]; x, y, out: [n]. */
    void sub(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n);

    /** out[i] = x[i] * y[i]; x, y, out: [n]. */
    void mul(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n);

    /** out[i] = x[i] / y[i]; x, y, out: [n]. */
    void div(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n);

    /** y[i] += alpha * x[i]; x, y: [n]. */
    void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n);

    /** out[i] = alpha * x[i]; x, out: [n]. */
    void scale(float alpha, float[] x, int xOff, float[] out, int outOff, int n);

    /** out[i] = x[i] + c; x, out: [n]. */
    void addScalar(float c, float[] x, int xOff, float[] out, int outOff, int n);

    /** x[r, j] += bias[j]; x: [rows, cols] row-major from xOff, bias: [cols]. */
    void addBias(float[] x, int xOff, int rows, int cols, float[] bias, int biasOff);

    /** biasGrad[j] += sum over r of dy[r, j]; dy: [rows, cols], biasGrad: [cols] (accumulates). */
    void sumRowsInto(float[] dy, int dyOff, int rows, int cols, float[] biasGrad, int biasGradOff);

    // ---- strided rows (im2col and col2im move a convolution's short rows with these) ----------

    /**
     * dst[r, j] = src[r, j] for r &lt; rows, j &lt; len; src: rows of len floats every srcStride
     * from srcOff, dst: every dstStride from dstOff. src and dst must not overlap.
     */
    void copyRows(float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride, int rows, int len);

    /**
     * dst[r, j] += src[r, j] for r &lt; rows, j &lt; len; src: rows of len floats every srcStride
     * from srcOff, dst: every dstStride from dstOff. src and dst must not overlap.
     */
    void addRows(float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride, int rows, int len);

    // ---- activations: forward and backward side by side --------------------------------------

    /** y = max(x, 0), NaN staying NaN as in PyTorch (and -0 giving +0); x, y: [n]. */
    void relu(float[] x, int xOff, float[] y, int yOff, int n);

    /** dx = dy where x &gt; 0, else 0; x, dy, dx: [n]. */
    void reluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n);

    /** y = x &gt; 0 ? x : slope * x; x, y: [n]. */
    void leakyRelu(float slope, float[] x, int xOff, float[] y, int yOff, int n);

    /** dx = dy * (x &gt; 0 ? 1 : slope); x, dy, dx: [n]. */
    void leakyReluBackward(float slope, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n);

    /** y = x &gt; 0 ? x : alpha * (exp(x) - 1); x, y: [n]. */
    void elu(float alpha, float[] x, int xOff, float[] y, int yOff, int n);

    /** dx = dy * (x &gt; 0 ? 1 : alpha * exp(x)); x, dy, dx: [n]. */
    void eluBackward(float alpha, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n);

    /** y = 1 / (1 + exp(-x)); x, y: [n]. */
    void sigmoid(float[] x, int xOff, float[] y, int yOff, int n);

    /** dx = dy * y * (1 - y), from the forward output y; y, dy, dx: [n]. */
    void sigmoidBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n);

    /** y = tanh(x); x, y: [n]. */
    void tanh(float[] x, int xOff, float[] y, int yOff, int n);

    /** dx = dy * (1 - y^2), from the forward output y; y, dy, dx: [n]. */
    void tanhBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n);

    /** Exact GELU: y = x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2)); x, y: [n]. */
    void gelu(float[] x, int xOff, float[] y, int yOff, int n);

    /** dx = dy * (Phi(x) + x * phi(x)); x, dy, dx: [n]. */
    void geluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n);

    /** Tanh GELU: y = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))); x, y: [n]. */
    void geluTanh(float[] x, int xOff, float[] y, int yOff, int n);

    /** Derivative of {@link #geluTanh}; x, dy, dx: [n]. */
    void geluTanhBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n);

    /** SiLU: y = x * sigmoid(x); x, y: [n]. */
    void silu(float[] x, int xOff, float[] y, int yOff, int n);

    /** dx = dy * s (1 + x (1 - s)), s = sigmoid(x); x, dy, dx: [n]. */
    void siluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n);

    // ---- row-wise ----------------------------------------------------------------------------

    /**
     * out = exp(x - shift), returning the sum of out (accumulated in double); x, out: [n] (out may
     * be x). An x of -Inf gives 0. The unnormalized probabilities of an online softmax.
     */
    float expShifted(float[] x, int xOff, float shift, float[] out, int outOff, int n);

    /** Row-wise softmax, max-subtracted; x, y: [rows, cols]. */
    void softmaxRows(float[] x, int xOff, float[] y, int yOff, int rows, int cols);

    /** dx[r] = y[r] * (dy[r] - dot(dy[r], y[r])), from the forward output y; y, dy, dx: [rows, cols]. */
    void softmaxRowsBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int rows, int cols);

    /** Row-wise log-softmax (x - max - log sum exp(x - max)); x, y: [rows, cols]. */
    void logSoftmaxRows(float[] x, int xOff, float[] y, int yOff, int rows, int cols);

    /** dx[r] = dy[r] - exp(y[r]) * sum(dy[r]), from the forward output y; y, dy, dx: [rows, cols]. */
    void logSoftmaxRowsBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int rows, int cols);

    // ---- reductions --------------------------------------------------------------------------

    /** Sum of x[0..n); 0 for n = 0. */
    float sum(float[] x, int xOff, int n);

    /** Maximum of x[0..n); negative infinity for n = 0; NaN if any element is NaN. */
    float max(float[] x, int xOff, int n);

    /** Dot product of x and y; x, y: [n]. */
    float dot(float[] x, int xOff, float[] y, int yOff, int n);

    /** Sum of squares of x; x: [n]. */
    float sumOfSquares(float[] x, int xOff, int n);

    // ---- optimizer ---------------------------------------------------------------------------

    /**
     * One fused Adam / AdamW step over param, grad, m, v: [n] (all from {@code off}).
     * With {@code decoupled} false (Adam), {@code weightDecay} adds {@code wd * param} to the
     * gradient (L2); with it true (AdamW), params are first multiplied by {@code 1 - lr * wd}.
     * Then m = b1 m + (1-b1) g, v = b2 v + (1-b2) g^2,
     * param -= lr * (m / (1 - b1^step)) / (sqrt(v / (1 - b2^step)) + eps), as PyTorch does.
     * {@code step} counts from 1. Moments whose arithmetic would turn subnormal are stored as 0:
     * v below {@link Float#MIN_NORMAL} (only when eps &gt; 0), and m below MIN_NORMAL / s, s the
     * step size lr / (1 - b1^step) clamped to [2^-20, 1] (below it, the step s * m would be
     * subnormal). x86 handles subnormal operands and results with a microcode assist each:
     * measured here, the moments of weights whose gradient stays 0 (always-black pixels) decaying
     * through that range made the Adam step of an MNIST MLP 3x slower while below MIN_NORMAL, and
     * 1.5x slower over its first ~900 steps while between MIN_NORMAL and MIN_NORMAL / s. What this drops
     * moves a parameter by less than MIN_NORMAL / eps (1.2e-30 with eps 1e-8) per step, far
     * below float32 rounding of any parameter not itself that small.
     */
    void adamUpdate(float[] param, float[] grad, float[] m, float[] v, int off, int n,
                    float lr, float beta1, float beta2, float eps, float weightDecay, boolean decoupled, int step);
}
