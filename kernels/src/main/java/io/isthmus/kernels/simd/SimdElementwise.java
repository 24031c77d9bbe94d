package io.isthmus.kernels.simd;

import io.isthmus.kernels.elementwise.Elementwise;
import io.isthmus.kernels.elementwise.ScalarElementwise;
import jdk.incubator.vector.VectorSpecies;

import java.util.List;
import java.util.function.Function;

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
 *     backward passes, {@code addBias}, {@code sumRowsInto}, {@code copyRows},
 *     {@code addRows}, {@code max}, Adam and AdamW;</li>
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
 * the compiled code runs). Built with {@link #warmingUp}, as the provider does, each kernel's
 * first call hands it to a {@link KernelWarmup} thread, and until that thread has it compiled
 * the kernels that are bit-identical to the scalar reference (list above) run the scalar
 * kernel; the others run their vector kernel from the first call (and compile from those calls,
 * as without a warm-up: running them elsewhere would change results by when the switch came). Steady
 * state on 64K floats, 512-bit, this machine: sigmoid 40 us (scalar ~600), tanh 55 (~1000),
 * GELU 100-145 (~8000), softmax rows of 128 55 (~400).
 */
public final class SimdElementwise implements Elementwise {

    private static final ScalarElementwise SCALAR = new ScalarElementwise();

    private final Elementwise kernels;
    private final VectorSpecies<Float> species;
    /** Null when every call runs the vector kernel. */
    private final KernelWarmup warmup;

    /** Kernels that always run on vectors, compiled or not (what the SIMD tests check). */
    public SimdElementwise(VectorSpecies<Float> species) {
        this(species, vectorKernels -> null);
    }

    /** @param warmupOf the warm-up of the species' vector kernels, or null to run them from the first call */
    SimdElementwise(VectorSpecies<Float> species, Function<Elementwise, KernelWarmup> warmupOf) {
        if (species.elementType() != float.class) {
            throw new IllegalArgumentException("SimdElementwise needs a float species, got " + species);
        }
        this.species = species;
        this.kernels = SpeciesSpecializer.elementwise(species);
        this.warmup = warmupOf.apply(kernels);
    }

    /**
     * Kernels that get compiled on a background thread at first use and meanwhile run the
     * bit-identical scalar kernel where there is one (see the class comment); plain vector
     * kernels with {@code -Disthmus.warmup=false}.
     */
    public static SimdElementwise warmingUp(VectorSpecies<Float> species) {
        if (!KernelWarmup.enabled()) {
            return new SimdElementwise(species);
        }
        return new SimdElementwise(species,
                vectorKernels -> KernelWarmup.onDaemonThread(vectorKernels, SCALAR, species.length()));
    }

    /**
     * Starts compiling, in the background, the kernels of a training step of linear layers with
     * ReLU and SGD or Adam (bias add and its gradient, ReLU and its gradient, gradient
     * accumulation, Adam); a no-op without warm-up. Adam goes first: it is the slowest to
     * compile and its scalar twin the slowest to run meanwhile. Kernels that calls request come
     * before all of these; AdamW and the rest start at their first call.
     */
    public void warmUpTrainingKernels() {
        if (warmup == null) {
            return;
        }
        List<ElementwiseOp> inOrder = List.of(ElementwiseOp.ADAM, ElementwiseOp.ADD_BIAS, ElementwiseOp.SUM_ROWS_INTO,
                ElementwiseOp.RELU_BACKWARD, ElementwiseOp.RELU, ElementwiseOp.AXPY, ElementwiseOp.ADD);
        for (int i = 0; i < inOrder.size(); i++) {
            // Ranked below any real call (whose rank is its element count, at least 0).
            warmup.request(inOrder.get(i), -1 - i);
        }
    }

    /**
     * True while {@code op} must not run its vector kernel yet: it runs the scalar one, bit-identical.
     * {@code elements} (of this call) ranks the warm-up: the biggest kernels get compiled first.
     */
    private boolean cold(ElementwiseOp op, int elements) {
        return warmup != null && !warmup.hotOrRequest(op, elements);
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
        if (cold(ElementwiseOp.ADD, n)) {
            SCALAR.add(x, xOff, y, yOff, out, outOff, n);
            return;
        }
        kernels.add(x, xOff, y, yOff, out, outOff, n);
    }

    @Override
    public void sub(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n) {
        if (cold(ElementwiseOp.SUB, n)) {
            SCALAR.sub(x, xOff, y, yOff, out, outOff, n);
            return;
        }
        kernels.sub(x, xOff, y, yOff, out, outOff, n);
    }

    @Override
    public void mul(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n) {
        if (cold(ElementwiseOp.MUL, n)) {
            SCALAR.mul(x, xOff, y, yOff, out, outOff, n);
            return;
        }
        kernels.mul(x, xOff, y, yOff, out, outOff, n);
    }

    @Override
    public void div(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n) {
        if (cold(ElementwiseOp.DIV, n)) {
            SCALAR.div(x, xOff, y, yOff, out, outOff, n);
            return;
        }
        kernels.div(x, xOff, y, yOff, out, outOff, n);
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        if (cold(ElementwiseOp.AXPY, n)) {
            SCALAR.axpy(alpha, x, xOff, y, yOff, n);
            return;
        }
        kernels.axpy(alpha, x, xOff, y, yOff, n);
    }

    @Override
    public void scale(float alpha, float[] x, int xOff, float[] out, int outOff, int n) {
        if (cold(ElementwiseOp.SCALE, n)) {
            SCALAR.scale(alpha, x, xOff, out, outOff, n);
            return;
        }
        kernels.scale(alpha, x, xOff, out, outOff, n);
    }

    @Override
    public void addScalar(float c, float[] x, int xOff, float[] out, int outOff, int n) {
        if (cold(ElementwiseOp.ADD_SCALAR, n)) {
            SCALAR.addScalar(c, x, xOff, out, outOff, n);
            return;
        }
        kernels.addScalar(c, x, xOff, out, outOff, n);
    }

    @Override
    public void addBias(float[] x, int xOff, int rows, int cols, float[] bias, int biasOff) {
        if (cold(ElementwiseOp.ADD_BIAS, rows * cols)) {
            SCALAR.addBias(x, xOff, rows, cols, bias, biasOff);
            return;
        }
        kernels.addBias(x, xOff, rows, cols, bias, biasOff);
    }

    @Override
    public void sumRowsInto(float[] dy, int dyOff, int rows, int cols, float[] biasGrad, int biasGradOff) {
        if (cold(ElementwiseOp.SUM_ROWS_INTO, rows * cols)) {
            SCALAR.sumRowsInto(dy, dyOff, rows, cols, biasGrad, biasGradOff);
            return;
        }
        kernels.sumRowsInto(dy, dyOff, rows, cols, biasGrad, biasGradOff);
    }

    @Override
    public void copyRows(float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride, int rows, int len) {
        if (cold(ElementwiseOp.COPY_ROWS, rows * len)) {
            SCALAR.copyRows(src, srcOff, srcStride, dst, dstOff, dstStride, rows, len);
            return;
        }
        kernels.copyRows(src, srcOff, srcStride, dst, dstOff, dstStride, rows, len);
    }

    @Override
    public void addRows(float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride, int rows, int len) {
        if (cold(ElementwiseOp.ADD_ROWS, rows * len)) {
            SCALAR.addRows(src, srcOff, srcStride, dst, dstOff, dstStride, rows, len);
            return;
        }
        kernels.addRows(src, srcOff, srcStride, dst, dstOff, dstStride, rows, len);
    }

    @Override
    public void relu(float[] x, int xOff, float[] y, int yOff, int n) {
        if (cold(ElementwiseOp.RELU, n)) {
            SCALAR.relu(x, xOff, y, yOff, n);
            return;
        }
        kernels.relu(x, xOff, y, yOff, n);
    }

    @Override
    public void reluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        if (cold(ElementwiseOp.RELU_BACKWARD, n)) {
            SCALAR.reluBackward(x, xOff, dy, dyOff, dx, dxOff, n);
            return;
        }
        kernels.reluBackward(x, xOff, dy, dyOff, dx, dxOff, n);
    }

    @Override
    public void leakyRelu(float slope, float[] x, int xOff, float[] y, int yOff, int n) {
        if (cold(ElementwiseOp.LEAKY_RELU, n)) {
            SCALAR.leakyRelu(slope, x, xOff, y, yOff, n);
            return;
        }
        kernels.leakyRelu(slope, x, xOff, y, yOff, n);
    }

    @Override
    public void leakyReluBackward(float slope, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        if (cold(ElementwiseOp.LEAKY_RELU_BACKWARD, n)) {
            SCALAR.leakyReluBackward(slope, x, xOff, dy, dyOff, dx, dxOff, n);
            return;
        }
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
        if (cold(ElementwiseOp.SIGMOID_BACKWARD, n)) {
            SCALAR.sigmoidBackward(y, yOff, dy, dyOff, dx, dxOff, n);
            return;
        }
        kernels.sigmoidBackward(y, yOff, dy, dyOff, dx, dxOff, n);
    }

    @Override
    public void tanh(float[] x, int xOff, float[] y, int yOff, int n) {
        kernels.tanh(x, xOff, y, yOff, n);
    }

    @Override
    public void tanhBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        if (cold(ElementwiseOp.TANH_BACKWARD, n)) {
            SCALAR.tanhBackward(y, yOff, dy, dyOff, dx, dxOff, n);
            return;
        }
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
        if (cold(ElementwiseOp.MAX, n)) {
            return SCALAR.max(x, xOff, n);
        }
        return kernels.max(x, xOff, n);
    }

    @Override
    public float expShifted(float[] x, int xOff, float shift, float[] out, int outOff, int n) {
        return kernels.expShifted(x, xOff, shift, out, outOff, n);
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
        if (cold(decoupled ? ElementwiseOp.ADAMW : ElementwiseOp.ADAM, n)) {
            SCALAR.adamUpdate(param, grad, m, v, off, n, lr, beta1, beta2, eps, weightDecay, decoupled, step);
            return;
        }
        kernels.adamUpdate(param, grad, m, v, off, n, lr, beta1, beta2, eps, weightDecay, decoupled, step);
    }
}
