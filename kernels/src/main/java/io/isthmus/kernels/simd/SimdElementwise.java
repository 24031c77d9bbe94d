package io.isthmus.kernels.simd;

import io.isthmus.kernels.elementwise.Elementwise;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API twin of every elementwise kernel, for one float species (128, 256 or 512 bits,
 * or any other the platform has). Same contract and semantics as
 * {@link io.isthmus.kernels.elementwise.ScalarElementwise}; the kernels themselves live in a
 * per-species copy of {@link SpeciesElementwise} (see {@link SpeciesSpecializer} for why).
 *
 * <p>Accuracy against the scalar reference (asserted in {@code SimdElementwiseTest}):
 * arithmetic, activations without exp, backward passes from y, {@code sumRowsInto} and Adam are
 * bit-identical; exp-based activations within 2e-6 relative (tanh-GELU: plus the float
 * rounding of its argument, as in any float32 implementation), with a tiny absolute floor near
 * zeros; sums and dot products within 3e-6 sum |x_i| (resp. |x_i y_i|). Every exp-based
 * function has its mathematical limit at +-Inf and no NaN/Inf where the math has none.
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
