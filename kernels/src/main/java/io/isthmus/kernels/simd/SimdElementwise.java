package io.isthmus.kernels.simd;

import io.isthmus.kernels.elementwise.Elementwise;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API twin of every elementwise kernel, for one float species (128, 256 or 512 bits,
 * or any other the platform has). Same contract and semantics as
 * {@link io.isthmus.kernels.elementwise.ScalarElementwise}; the kernels themselves live in a
 * per-species copy of {@link SpeciesElementwise} (see {@link SpeciesSpecializer} for why).
 *
 * <p>Accuracy against the scalar reference (asserted in {@code SimdElementwiseTest} and
 * {@code SimdRowKernelsTest}):
 * <ul>
 * <li>bit-identical: arithmetic, axpy, ReLU and leaky ReLU (and backward), the sigmoid and tanh
 *     backward passes, {@code addBias}, {@code sumRowsInto}, {@code max}, Adam and AdamW;</li>
 * <li>ELU, sigmoid, tanh, SiLU, GELU: 2e-6 relative (about 5e-7 measured against exact values);
 *     tanh-GELU 2e-6 + 3e-7 |2u| relative, 2u its tanh argument (the float rounding of u);</li>
 * <li>their backward passes: 2e-6 relative + 1e-7 |dy| (the gradients cross zero);</li>
 * <li>sum, dot, sumOfSquares: 3e-6 sum |terms| (float accumulators, flushed to double every
 *     1024 elements); softmax 3e-6 relative; log-softmax 3e-6 absolute + 2 ulp.</li>
 * </ul>
 * Every exp-based function takes its limit at +-Inf (sigmoid 0/1, tanh -1/1, SiLU and the GELUs
 * -0/+Inf, their slopes 0/1) and has no NaN or Inf where the math has none (sigmoid(-80) is
 * 1.8e-35, SiLU(-80) a tiny negative, softmax of rows holding 1e30, MAX_VALUE or -Inf is finite).
 *
 * <p>Warm-up: until C2 has compiled a kernel, the Vector API runs it boxed, far slower than
 * the scalar loop (measured here: about 3 s of back-to-back sigmoid calls on 64K floats before
 * the compiled code runs). Steady state on 64K floats, 512-bit, this machine: sigmoid 40 us
 * (scalar ~600), tanh 55 (~1000), GELU 100-145 (~8000), softmax rows of 128 55 (~400).
 */
public final class SimdElementwise implements Elementwise {

    private final Elementwise kernels;
    private final VectorSpecies<Float> species;

    public SimdElementwise(VectorSpecies<Float> species) {
        if (species.elementType() != float.class) {
            throw new IllegalArgumentException("SimdElementwise needs a float species, got " + species);
        }
        this.species = species;
        this.kernels = SpeciesSpecializer.elementwise(species);
    }

    /** Vector width in bits. */
    public int vectorBits() {
        return species.vectorBitSize();
    }

    @Override
    public String name() {
        return kernels.name();
    }

    @Override
    public String toString() {
        return "SimdElementwise[" + vectorBits() + "-bit]";
    }

    @Override
    public void add(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n) {
        kernels.add(x, xOff, y, yOff, out, outOff, n);
    }

    @Override
    public void sub(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n) {
        kernels.sub(x, xOff, y, yOff, out, outOff, n);
    }

    @Override
    public void mul(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n) {
        kernels.mul(x, xOff, y, yOff, out, outOff, n);
    }

    @Override
    public void div(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n) {
        kernels.div(x, xOff, y, yOff, out, outOff, n);
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        kernels.axpy(alpha, x, xOff, y, yOff, n);
    }

    @Override
    public void scale(float alpha, float[] x, int xOff, float[] out, int outOff, int n) {
        kernels.scale(alpha, x, xOff, out, outOff, n);
    }

    @Override
    public void addScalar(float c, float[] x, int xOff, float[] out, int outOff, int n) {
        kernels.addScalar(c, x, xOff, out, outOff, n);
    }

    @Override
    public void addBias(float[] x, int xOff, int rows, int cols, float[] bias, int biasOff) {
        kernels.addBias(x, xOff, rows, cols, bias, biasOff);
    }

    @Override
    public void sumRowsInto(float[] dy, int dyOff, int rows, int cols, float[] biasGrad, int biasGradOff) {
        kernels.sumRowsInto(dy, dyOff, rows, cols, biasGrad, biasGradOff);
    }

    @Override
    public void relu(float[] x, int xOff, float[] y, int yOff, int n) {
        kernels.relu(x, xOff, y, yOff, n);
    }

    @Override
    public void reluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        kernels.reluBackward(x, xOff, dy, dyOff, dx, dxOff, n);
    }

    @Override
    public void leakyRelu(float slope, float[] x, int xOff, float[] y, int yOff, int n) {
        kernels.leakyRelu(slope, x, xOff, y, yOff, n);
    }

    @Override
    public void leakyReluBackward(float slope, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        kernels.leakyReluBackward(slope, x, xOff, dy, dyOff, dx, dxOff, n);
    }

    @Override
    public void elu(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        kernels.elu(alpha, x, xOff, y, yOff, n);
    }

    @Override
    public void eluBackward(float alpha, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        kernels.eluBackward(alpha, x, xOff, dy, dyOff, dx, dxOff, n);
    }

    @Override
    public void sigmoid(float[] x, int xOff, float[] y, int yOff, int n) {
        kernels.sigmoid(x, xOff, y, yOff, n);
    }

    @Override
    public void sigmoidBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        kernels.sigmoidBackward(y, yOff, dy, dyOff, dx, dxOff, n);
    }

    @Override
    public void tanh(float[] x, int xOff, float[] y, int yOff, int n) {
        kernels.tanh(x, xOff, y, yOff, n);
    }

    @Override
    public void tanhBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        kernels.tanhBackward(y, yOff, dy, dyOff, dx, dxOff, n);
    }

    @Override
    public void gelu(float[] x, int xOff, float[] y, int yOff, int n) {
        kernels.gelu(x, xOff, y, yOff, n);
    }

    @Override
    public void geluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        kernels.geluBackward(x, xOff, dy, dyOff, dx, dxOff, n);
    }

    @Override
    public void geluTanh(float[] x, int xOff, float[] y, int yOff, int n) {
        kernels.geluTanh(x, xOff, y, yOff, n);
    }

    @Override
    public void geluTanhBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        kernels.geluTanhBackward(x, xOff, dy, dyOff, dx, dxOff, n);
    }

    @Override
    public void silu(float[] x, int xOff, float[] y, int yOff, int n) {
        kernels.silu(x, xOff, y, yOff, n);
    }

    @Override
    public void siluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        kernels.siluBackward(x, xOff, dy, dyOff, dx, dxOff, n);
    }

    @Override
    public void softmaxRows(float[] x, int xOff, float[] y, int yOff, int rows, int cols) {
        kernels.softmaxRows(x, xOff, y, yOff, rows, cols);
    }

    @Override
    public void softmaxRowsBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int rows, int cols) {
        kernels.softmaxRowsBackward(y, yOff, dy, dyOff, dx, dxOff, rows, cols);
    }

    @Override
    public void logSoftmaxRows(float[] x, int xOff, float[] y, int yOff, int rows, int cols) {
        kernels.logSoftmaxRows(x, xOff, y, yOff, rows, cols);
    }

    @Override
    public void logSoftmaxRowsBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int rows, int cols) {
        kernels.logSoftmaxRowsBackward(y, yOff, dy, dyOff, dx, dxOff, rows, cols);
    }

    @Override
    public float sum(float[] x, int xOff, int n) {
        return kernels.sum(x, xOff, n);
    }

    @Override
    public float max(float[] x, int xOff, int n) {
        return kernels.max(x, xOff, n);
    }

    @Override
    public float dot(float[] x, int xOff, float[] y, int yOff, int n) {
        return kernels.dot(x, xOff, y, yOff, n);
    }

    @Override
    public float sumOfSquares(float[] x, int xOff, int n) {
        return kernels.sumOfSquares(x, xOff, n);
    }

    @Override
    public void adamUpdate(float[] param, float[] grad, float[] m, float[] v, int off, int n,
                           float lr, float beta1, float beta2, float eps, float weightDecay, boolean decoupled, int step) {
        kernels.adamUpdate(param, grad, m, v, off, n, lr, beta1, beta2, eps, weightDecay, decoupled, step);
    }
}
