package io.isthmus.kernels.simd;

import io.isthmus.kernels.elementwise.Elementwise;
import io.isthmus.kernels.elementwise.ScalarElementwise;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.invoke.MethodHandles;

import static io.isthmus.kernels.simd.ScalarMath.EXPM1_SMALL;
import static io.isthmus.kernels.simd.ScalarMath.EXP_MAX;
import static io.isthmus.kernels.simd.ScalarMath.EXP_MIN;
import static io.isthmus.kernels.simd.ScalarMath.EXP_P0;
import static io.isthmus.kernels.simd.ScalarMath.EXP_P1;
import static io.isthmus.kernels.simd.ScalarMath.EXP_P2;
import static io.isthmus.kernels.simd.ScalarMath.EXP_P3;
import static io.isthmus.kernels.simd.ScalarMath.EXP_P4;
import static io.isthmus.kernels.simd.ScalarMath.EXP_P5;
import static io.isthmus.kernels.simd.ScalarMath.ERFCX_G0;
import static io.isthmus.kernels.simd.ScalarMath.ERFCX_G1;
import static io.isthmus.kernels.simd.ScalarMath.ERFCX_G2;
import static io.isthmus.kernels.simd.ScalarMath.ERFCX_G3;
import static io.isthmus.kernels.simd.ScalarMath.ERFCX_G4;
import static io.isthmus.kernels.simd.ScalarMath.ERFCX_G5;
import static io.isthmus.kernels.simd.ScalarMath.ERFCX_G6;
import static io.isthmus.kernels.simd.ScalarMath.ERFCX_G7;
import static io.isthmus.kernels.simd.ScalarMath.ERFCX_G8;
import static io.isthmus.kernels.simd.ScalarMath.GELU_CUBIC;
import static io.isthmus.kernels.simd.ScalarMath.GELU_CUBIC_3;
import static io.isthmus.kernels.simd.ScalarMath.GELU_SATURATION;
import static io.isthmus.kernels.simd.ScalarMath.HALF_INV_SQRT_2;
import static io.isthmus.kernels.simd.ScalarMath.INV_FACT_3;
import static io.isthmus.kernels.simd.ScalarMath.INV_FACT_4;
import static io.isthmus.kernels.simd.ScalarMath.INV_FACT_5;
import static io.isthmus.kernels.simd.ScalarMath.INV_FACT_6;
import static io.isthmus.kernels.simd.ScalarMath.INV_FACT_7;
import static io.isthmus.kernels.simd.ScalarMath.INV_FACT_8;
import static io.isthmus.kernels.simd.ScalarMath.INV_SQRT_2PI;
import static io.isthmus.kernels.simd.ScalarMath.LN2_HI;
import static io.isthmus.kernels.simd.ScalarMath.LN2_LO;
import static io.isthmus.kernels.simd.ScalarMath.LOG2E;
import static io.isthmus.kernels.simd.ScalarMath.ROUND;
import static io.isthmus.kernels.simd.ScalarMath.TANH_SMALL;
import static io.isthmus.kernels.simd.ScalarMath.TANH_T0;
import static io.isthmus.kernels.simd.ScalarMath.TANH_T1;
import static io.isthmus.kernels.simd.ScalarMath.TANH_T2;
import static io.isthmus.kernels.simd.ScalarMath.TANH_T3;
import static io.isthmus.kernels.simd.ScalarMath.TANH_T4;
import static io.isthmus.kernels.simd.ScalarMath.TWO_SQRT_2_OVER_PI;
import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LT;

/**
 * The elementwise kernels on {@code FloatVector}s of one species. This class is a template:
 * {@link SpeciesSpecializer} defines a copy of it per species as a hidden class whose class
 * data is the species, so that in each copy {@link #SPECIES} is a {@code static final} constant
 * and each copy has its own JIT profile. Never load it by name (its class data would be null).
 *
 * <p>Why: measured here, the same loops run 4-8x slower when the species is an instance field,
 * and ~400x slower (boxed vectors) when two species share one copy of the bytecode; for the
 * same reason the vector math lives in this class, not in a shared helper.
 *
 * <p>Each kernel runs a vector loop over whole vectors, then a scalar tail with the
 * {@link ScalarMath} twin of the vector math, which gives bit-identical results; a masked tail
 * would be a second inlined copy of the vector body. C2 stops inlining a method once its graph
 * reaches a node budget (NodeCountInliningCutoff), and a Vector API call it does not inline
 * boxes its vectors (~10x slower): the GELU bodies sat at that budget, hence one vector body
 * per kernel, vector constants instead of broadcasts, exp's integer k read from the bits of
 * k + 1.5 * 2^23 rather than converted, and one exp per GELU gradient. Check with
 * {@code -XX:+UnlockDiagnosticVMOptions -XX:+PrintInlining} after changing the vector math.
 */
final class SpeciesElementwise implements Elementwise {

    private static final VectorSpecies<Float> SPECIES = SpeciesSpecializer.speciesOf(MethodHandles.lookup());
    private static final int LANES = SPECIES.length();
    private static final ScalarElementwise SCALAR_TWIN = new ScalarElementwise();
    /**
     * Whether a row's tail shorter than a vector moves as one masked vector: x86 (AVX2, AVX-512)
     * and SVE have masked loads and stores from 256 bits on; 128-bit NEON has none (C2 would run
     * the Vector API's Java fallback), so there the tail is a loop.
     */
    private static final boolean MASKED_TAILS = LANES >= 8;
    /** Reductions add float partial sums into a double every block, so their error does not grow with n. */
    private static final int REDUCTION_BLOCK = 1024;
    /** Row kernels flush their float exp-sum to double every this many vectors. */
    private static final int ROW_SUM_FLUSH = 16;

    @Override
    public String name() {
        return "simd";
    }

    // ---- arithmetic --------------------------------------------------------------------------

    /** out = x + y; x, y, out: [n]. */
    @Override
    public void add(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n) {
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += LANES) {
            load(x, xOff + i).add(load(y, yOff + i)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) {
            out[outOff + i] = x[xOff + i] + y[yOff + i];
        }
    }

    /** out = x - y; x, y, out: [n]. */
    @Override
    public void sub(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n) {
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += LANES) {
            load(x, xOff + i).sub(load(y, yOff + i)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) {
            out[outOff + i] = x[xOff + i] - y[yOff + i];
        }
    }

    /** out = x * y; x, y, out: [n]. */
    @Override
    public void mul(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n) {
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += LANES) {
            load(x, xOff + i).mul(load(y, yOff + i)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) {
            out[outOff + i] = x[xOff + i] * y[yOff + i];
        }
    }

    /** out = x / y; x, y, out: [n]. */
    @Override
    public void div(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n) {
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += LANES) {
            load(x, xOff + i).div(load(y, yOff + i)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) {
            out[outOff + i] = x[xOff + i] / y[yOff + i];
        }
    }

    /** y += alpha x; x, y: [n]. Multiply then add (no FMA), as the scalar twin rounds. */
    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += LANES) {
            load(y, yOff + i).add(load(x, xOff + i).mul(alpha)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    /** out = alpha x; x, out: [n]. */
    @Override
    public void scale(float alpha, float[] x, int xOff, float[] out, int outOff, int n) {
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += LANES) {
            load(x, xOff + i).mul(alpha).intoArray(out, outOff + i);
        }
        for (; i < n; i++) {
            out[outOff + i] = alpha * x[xOff + i];
        }
    }

    /** out = x + c; x, out: [n]. */
    @Override
    public void addScalar(float c, float[] x, int xOff, float[] out, int outOff, int n) {
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += LANES) {
            load(x, xOff + i).add(c).intoArray(out, outOff + i);
        }
        for (; i < n; i++) {
            out[outOff + i] = x[xOff + i] + c;
        }
    }

    /** x[r, :] += bias; x: [rows, cols], bias: [cols]. */
    @Override
    public void addBias(float[] x, int xOff, int rows, int cols, float[] bias, int biasOff) {
        for (int r = 0; r < rows; r++) {
            add(x, xOff + r * cols, bias, biasOff, x, xOff + r * cols, cols);
        }
    }

    /**
     * biasGrad += column sums of dy; dy: [rows, cols], biasGrad: [cols]. Four vectors of columns
     * stay in registers while the rows stream past; each column is summed in row order, as the
     * scalar twin does, so the results are bit-identical.
     */
    /**
     * Rows of at least one vector: whole vectors, the last one ending at the row's end (it may
     * overlap the one before and write the same floats again, which a copy allows). Shorter rows:
     * one masked vector (a loop on 128 bits). Never a vector of another species: sharing the
     * Vector API's code between two species makes C2 box both (see the class comment).
     */
    @Override
    public void copyRows(float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride, int rows, int len) {
        if (len >= LANES) {
            int last = len - LANES;
            for (int r = 0, from = srcOff, to = dstOff; r < rows; r++, from += srcStride, to += dstStride) {
                for (int j = 0; j < last; j += LANES) {
                    load(src, from + j).intoArray(dst, to + j);
                }
                load(src, from + last).intoArray(dst, to + last);
            }
        } else if (MASKED_TAILS && len > 0) {
            VectorMask<Float> row = SPECIES.indexInRange(0, len);
            for (int r = 0, from = srcOff, to = dstOff; r < rows; r++, from += srcStride, to += dstStride) {
                FloatVector.fromArray(SPECIES, src, from, row).intoArray(dst, to, row);
            }
        } else {
            SCALAR_TWIN.copyRows(src, srcOff, srcStride, dst, dstOff, dstStride, rows, len);
        }
    }

    /** Whole vectors, then the row's tail as one masked vector (a loop on 128 bits); an add must not overlap. */
    @Override
    public void addRows(float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride, int rows, int len) {
        int whole = len - len % LANES;
        boolean maskedTail = MASKED_TAILS && whole < len;
        VectorMask<Float> tail = SPECIES.indexInRange(0, len - whole);
        for (int r = 0, from = srcOff, to = dstOff; r < rows; r++, from += srcStride, to += dstStride) {
            for (int j = 0; j < whole; j += LANES) {
                load(dst, to + j).add(load(src, from + j)).intoArray(dst, to + j);
            }
            if (maskedTail) {
                FloatVector.fromArray(SPECIES, dst, to + whole, tail)
                        .add(FloatVector.fromArray(SPECIES, src, from + whole, tail)).intoArray(dst, to + whole, tail);
            } else {
                for (int j = whole; j < len; j++) {
                    dst[to + j] += src[from + j];
                }
            }
        }
    }

    @Override
    public void sumRowsInto(float[] dy, int dyOff, int rows, int cols, float[] biasGrad, int biasGradOff) {
        int j = 0;
        for (int bound = cols - 4 * LANES; j <= bound; j += 4 * LANES) {
            FloatVector s0 = load(biasGrad, biasGradOff + j);
            FloatVector s1 = load(biasGrad, biasGradOff + j + LANES);
            FloatVector s2 = load(biasGrad, biasGradOff + j + 2 * LANES);
            FloatVector s3 = load(biasGrad, biasGradOff + j + 3 * LANES);
            for (int r = 0, row = dyOff + j; r < rows; r++, row += cols) {
                s0 = s0.add(load(dy, row));
                s1 = s1.add(load(dy, row + LANES));
                s2 = s2.add(load(dy, row + 2 * LANES));
                s3 = s3.add(load(dy, row + 3 * LANES));
            }
            s0.intoArray(biasGrad, biasGradOff + j);
            s1.intoArray(biasGrad, biasGradOff + j + LANES);
            s2.intoArray(biasGrad, biasGradOff + j + 2 * LANES);
            s3.intoArray(biasGrad, biasGradOff + j + 3 * LANES);
        }
        for (int bound = SPECIES.loopBound(cols); j < bound; j += LANES) {
            FloatVector s = load(biasGrad, biasGradOff + j);
            for (int r = 0, row = dyOff + j; r < rows; r++, row += cols) {
                s = s.add(load(dy, row));
            }
            s.intoArray(biasGrad, biasGradOff + j);
        }
        for (; j < cols; j++) {
            float s = biasGrad[biasGradOff + j];
            for (int r = 0; r < rows; r++) {
                s += dy[dyOff + r * cols + j];
            }
            biasGrad[biasGradOff + j] = s;
        }
    }

    // ---- activations -------------------------------------------------------------------------

    /** y = max(x, 0) with Math.max's NaN and -0 rules, as the scalar twin; x, y: [n]. */
    @Override
    public void relu(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += LANES) {
            load(x, xOff + i).max(ZERO).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] = Math.max(x[xOff + i], 0f);
        }
    }

    /** dx = x &gt; 0 ? dy : 0; x, dy, dx: [n]. */
    @Override
    public void reluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        FloatVector zero = FloatVector.zero(SPECIES);
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += LANES) {
            zero.blend(load(dy, dyOff + i), load(x, xOff + i).compare(GT, 0f)).intoArray(dx, dxOff + i);
        }
        for (; i < n; i++) {
            dx[dxOff + i] = x[xOff + i] > 0f ? dy[dyOff + i] : 0f;
        }
    }

    /** y = x &gt; 0 ? x : slope x; x, y: [n]. */
    @Override
    public void leakyRelu(float slope, float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += LANES) {
            FloatVector v = load(x, xOff + i);
            v.mul(slope).blend(v, v.compare(GT, 0f)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            float v = x[xOff + i];
            y[yOff + i] = v > 0f ? v : slope * v;
        }
    }

    /** dx = dy (x &gt; 0 ? 1 : slope); x, dy, dx: [n]. */
    @Override
    public void leakyReluBackward(float slope, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += LANES) {
            FloatVector g = load(dy, dyOff + i);
            g.mul(slope).blend(g, load(x, xOff + i).compare(GT, 0f)).intoArray(dx, dxOff + i);
        }
        for (; i < n; i++) {
            dx[dxOff + i] = x[xOff + i] > 0f ? dy[dyOff + i] : slope * dy[dyOff + i];
        }
    }

    /** y = x &gt; 0 ? x : alpha expm1(x); x, y: [n]. */
    @Override
    public void elu(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += LANES) {
            FloatVector v = load(x, xOff + i);
            expm1(v).mul(alpha).blend(v, v.compare(GT, 0f)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            float v = x[xOff + i];
            y[yOff + i] = v > 0f ? v : ScalarMath.expm1(v) * alpha;
        }
    }

    /** dx = x &gt; 0 ? dy : dy alpha exp(x); x, dy, dx: [n]. */
    @Override
    public void eluBackward(float alpha, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += LANES) {
            FloatVector v = load(x, xOff + i);
            FloatVector g = load(dy, dyOff + i);
            g.mul(alpha).mul(exp(v)).blend(g, v.compare(GT, 0f)).intoArray(dx, dxOff + i);
        }
        for (; i < n; i++) {
            float v = x[xOff + i];
            float g = dy[dyOff + i];
            dx[dxOff + i] = v > 0f ? g : g * alpha * ScalarMath.exp(v);
        }
    }

    /** y = 1 / (1 + exp(-x)); x, y: [n]. */
    @Override
    public void sigmoid(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += LANES) {
            sigmoid(load(x, xOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] = ScalarMath.sigmoid(x[xOff + i]);
        }
    }

    /** dx = dy y (1 - y); y, dy, dx: [n]. */
    @Override
    public void sigmoidBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += LANES) {
            FloatVector s = load(y, yOff + i);
            load(dy, dyOff + i).mul(s).mul(s.neg().add(1f)).intoArray(dx, dxOff + i);
        }
        for (; i < n; i++) {
            float s = y[yOff + i];
            dx[dxOff + i] = dy[dyOff + i] * s * (1f - s);
        }
    }

    /** y = tanh(x); x, y: [n]. */
    @Override
    public void tanh(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += LANES) {
            tanh(load(x, xOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] = ScalarMath.tanh(x[xOff + i]);
        }
    }

    /** dx = dy (1 - y^2); y, dy, dx: [n]. */
    @Override
    public void tanhBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += LANES) {
            FloatVector t = load(y, yOff + i);
            load(dy, dyOff + i).mul(t.mul(t).neg().add(1f)).intoArray(dx, dxOff + i);
        }
        for (; i < n; i++) {
            float t = y[yOff + i];
            dx[dxOff + i] = dy[dyOff + i] * (1f - t * t);
        }
    }

    /** y = x Phi(x); x, y: [n]. */
    @Override
    public void gelu(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += LANES) {
            FloatVector v = load(x, xOff + i);
            finiteBelow(v).mul(normalCdf(clampGelu(v))).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            float v = x[xOff + i];
            y[yOff + i] = ScalarMath.finiteBelow(v) * ScalarMath.normalCdf(ScalarMath.clampGelu(v));
        }
    }

    /** dx = dy (Phi(x) + x phi(x)); x, dy, dx: [n]. */
    @Override
    public void geluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += LANES) {
            load(dy, dyOff + i).mul(geluGrad(clampGelu(load(x, xOff + i)))).intoArray(dx, dxOff + i);
        }
        for (; i < n; i++) {
            dx[dxOff + i] = dy[dyOff + i] * ScalarMath.geluGrad(ScalarMath.clampGelu(x[xOff + i]));
        }
    }

    /** y = x sigmoid(2u), u = sqrt(2/pi) (x + 0.044715 x^3) (= 0.5 x (1 + tanh u) without cancellation); x, y: [n]. */
    @Override
    public void geluTanh(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += LANES) {
            FloatVector v = load(x, xOff + i);
            finiteBelow(v).mul(sigmoid(geluTanhArgument(clampGelu(v)))).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            float v = x[xOff + i];
            y[yOff + i] = ScalarMath.finiteBelow(v)
                    * ScalarMath.sigmoid(ScalarMath.geluTanhArgument(ScalarMath.clampGelu(v)));
        }
    }

    /** dx = dy d/dx geluTanh(x); x, dy, dx: [n]. */
    @Override
    public void geluTanhBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += LANES) {
            load(dy, dyOff + i).mul(geluTanhGrad(clampGelu(load(x, xOff + i)))).intoArray(dx, dxOff + i);
        }
        for (; i < n; i++) {
            dx[dxOff + i] = dy[dyOff + i] * ScalarMath.geluTanhGrad(ScalarMath.clampGelu(x[xOff + i]));
        }
    }

    /** y = x sigmoid(x); x, y: [n]. */
    @Override
    public void silu(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += LANES) {
            FloatVector v = load(x, xOff + i);
            finiteBelow(v).mul(sigmoid(v)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            float v = x[xOff + i];
            y[yOff + i] = ScalarMath.finiteBelow(v) * ScalarMath.sigmoid(v);
        }
    }

    /** dx = dy s (1 + x (1 - s)), s = sigmoid(x); x, dy, dx: [n]. */
    @Override
    public void siluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += LANES) {
            load(dy, dyOff + i).mul(siluGrad(load(x, xOff + i))).intoArray(dx, dxOff + i);
        }
        for (; i < n; i++) {
            dx[dxOff + i] = dy[dyOff + i] * ScalarMath.siluGrad(x[xOff + i]);
        }
    }

    // ---- row-wise ----------------------------------------------------------------------------

    /** Row-wise softmax, max-subtracted; x, y: [rows, cols]. */
    @Override
    public void softmaxRows(float[] x, int xOff, float[] y, int yOff, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int xr = xOff + r * cols;
            int yr = yOff + r * cols;
            float max = max(x, xr, cols);
            double sum = expShiftedSum(x, xr, max, y, yr, cols);
            scale((float) (1.0 / sum), y, yr, y, yr, cols);
        }
    }

    /** dx = y (dy - dot(dy, y)) per row; y, dy, dx: [rows, cols]. */
    @Override
    public void softmaxRowsBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int yr = yOff + r * cols;
            int dyr = dyOff + r * cols;
            int dxr = dxOff + r * cols;
            float dot = dot(dy, dyr, y, yr, cols);
            int j = 0;
            for (int bound = SPECIES.loopBound(cols); j < bound; j += LANES) {
                load(y, yr + j).mul(load(dy, dyr + j).sub(dot)).intoArray(dx, dxr + j);
            }
            for (; j < cols; j++) {
                dx[dxr + j] = y[yr + j] * (dy[dyr + j] - dot);
            }
        }
    }

    /** y = x - max - log sum exp(x - max) per row; x, y: [rows, cols]. */
    @Override
    public void logSoftmaxRows(float[] x, int xOff, float[] y, int yOff, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int xr = xOff + r * cols;
            int yr = yOff + r * cols;
            float max = max(x, xr, cols);
            float logSum = (float) Math.log(expShiftedSum(x, xr, max, null, 0, cols));
            int j = 0;
            for (int bound = SPECIES.loopBound(cols); j < bound; j += LANES) {
                load(x, xr + j).sub(max).sub(logSum).intoArray(y, yr + j);
            }
            for (; j < cols; j++) {
                y[yr + j] = x[xr + j] - max - logSum;
            }
        }
    }

    /** dx = dy - exp(y) sum(dy) per row; y, dy, dx: [rows, cols]. */
    @Override
    public void logSoftmaxRowsBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int yr = yOff + r * cols;
            int dyr = dyOff + r * cols;
            int dxr = dxOff + r * cols;
            float total = sum(dy, dyr, cols);
            int j = 0;
            for (int bound = SPECIES.loopBound(cols); j < bound; j += LANES) {
                load(dy, dyr + j).sub(exp(load(y, yr + j)).mul(total)).intoArray(dx, dxr + j);
            }
            for (; j < cols; j++) {
                dx[dxr + j] = dy[dyr + j] - ScalarMath.exp(y[yr + j]) * total;
            }
        }
    }

    @Override
    public float expShifted(float[] x, int xOff, float shift, float[] out, int outOff, int n) {
        return (float) expShiftedSum(x, xOff, shift, out, outOff, n);
    }

    /**
     * Sum of exp(x - shift) over x: [n]; also writes the exps to out: [n] unless out is null.
     * The float partial sum goes to double every {@link #ROW_SUM_FLUSH} vectors.
     */
    private static double expShiftedSum(float[] x, int xOff, float shift, float[] out, int outOff, int n) {
        double sum = 0;
        int i = 0;
        int bound = SPECIES.loopBound(n);
        while (i < bound) {
            int blockEnd = Math.min(bound, i + ROW_SUM_FLUSH * LANES);
            FloatVector partial = FloatVector.zero(SPECIES);
            for (; i < blockEnd; i += LANES) {
                FloatVector e = exp(load(x, xOff + i).sub(shift));
                if (out != null) {
                    e.intoArray(out, outOff + i);
                }
                partial = partial.add(e);
            }
            sum += partial.reduceLanes(VectorOperators.ADD);
        }
        for (; i < n; i++) {
            float e = ScalarMath.exp(x[xOff + i] - shift);
            if (out != null) {
                out[outOff + i] = e;
            }
            sum += e;
        }
        return sum;
    }

    // ---- reductions --------------------------------------------------------------------------

    /**
     * Sum of x: [n]. Four float accumulators per block of {@link #REDUCTION_BLOCK}, blocks summed
     * in double: |error| &lt;= (1024 / (4 lanes) + lanes + 3) 2^-24 sum |x_i|, below 3e-6 sum |x_i|.
     */
    @Override
    public float sum(float[] x, int xOff, int n) {
        double total = 0;
        int i = 0;
        int bound4 = n - n % (4 * LANES);
        while (i < bound4) {
            int blockEnd = Math.min(bound4, i + REDUCTION_BLOCK);
            FloatVector s0 = FloatVector.zero(SPECIES);
            FloatVector s1 = s0;
            FloatVector s2 = s0;
            FloatVector s3 = s0;
            for (; i < blockEnd; i += 4 * LANES) {
                s0 = s0.add(load(x, xOff + i));
                s1 = s1.add(load(x, xOff + i + LANES));
                s2 = s2.add(load(x, xOff + i + 2 * LANES));
                s3 = s3.add(load(x, xOff + i + 3 * LANES));
            }
            total += s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
        }
        for (int bound = SPECIES.loopBound(n); i < bound; i += LANES) {
            total += load(x, xOff + i).reduceLanes(VectorOperators.ADD);
        }
        for (; i < n; i++) {
            total += x[xOff + i];
        }
        return (float) total;
    }

    /** Maximum of x: [n]; -Inf for n = 0; NaN if any element is NaN (lane-wise max propagates NaN). */
    @Override
    public float max(float[] x, int xOff, int n) {
        if (n < LANES) {
            // A narrow row (class scores) has no whole vector: skip the broadcast and the lane
            // reduction, which the interpreter runs very slowly until C2 compiles this method.
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                max = Math.max(max, x[xOff + i]);
            }
            return max;
        }
        FloatVector m = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += LANES) {
            m = m.max(load(x, xOff + i));
        }
        float max = m.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            max = Math.max(max, x[xOff + i]);
        }
        return max;
    }

    /** Dot product of x, y: [n]; FMA accumulators, error bound as {@link #sum} with sum |x_i y_i|. */
    @Override
    public float dot(float[] x, int xOff, float[] y, int yOff, int n) {
        double total = 0;
        int i = 0;
        int bound4 = n - n % (4 * LANES);
        while (i < bound4) {
            int blockEnd = Math.min(bound4, i + REDUCTION_BLOCK);
            FloatVector s0 = FloatVector.zero(SPECIES);
            FloatVector s1 = s0;
            FloatVector s2 = s0;
            FloatVector s3 = s0;
            for (; i < blockEnd; i += 4 * LANES) {
                s0 = load(x, xOff + i).fma(load(y, yOff + i), s0);
                s1 = load(x, xOff + i + LANES).fma(load(y, yOff + i + LANES), s1);
                s2 = load(x, xOff + i + 2 * LANES).fma(load(y, yOff + i + 2 * LANES), s2);
                s3 = load(x, xOff + i + 3 * LANES).fma(load(y, yOff + i + 3 * LANES), s3);
            }
            total += s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
        }
        for (int bound = SPECIES.loopBound(n); i < bound; i += LANES) {
            total += load(x, xOff + i).mul(load(y, yOff + i)).reduceLanes(VectorOperators.ADD);
        }
        for (; i < n; i++) {
            total += (double) x[xOff + i] * y[yOff + i];
        }
        return (float) total;
    }

    /** Sum of squares of x: [n]. */
    @Override
    public float sumOfSquares(float[] x, int xOff, int n) {
        return dot(x, xOff, x, xOff, n);
    }

    // ---- optimizer ---------------------------------------------------------------------------

    /**
     * Adam / AdamW step on param, grad, m, v: [n] from off. The same float operations in the
     * same order as the scalar twin (no FMA), so the results are bit-identical.
     */
    @Override
    public void adamUpdate(float[] param, float[] grad, float[] m, float[] v, int off, int n,
                           float lr, float beta1, float beta2, float eps, float weightDecay, boolean decoupled, int step) {
        double correction1 = 1 - Math.pow(beta1, step);
        double correction2 = 1 - Math.pow(beta2, step);
        float stepSize = (float) (lr / correction1);
        float invSqrtCorrection2 = (float) (1 / Math.sqrt(correction2));
        float decay = 1f - lr * weightDecay;
        float mFloor = ScalarElementwise.adamFirstMomentFloor(stepSize);
        float vFloor = ScalarElementwise.adamSecondMomentFloor(eps);
        int i = off;
        int bound = off + SPECIES.loopBound(n);
        // Two loops rather than a branch per vector: a vector that is one of two values would be boxed.
        if (decoupled) {
            for (; i < bound; i += LANES) {
                adamMoments(load(param, i).mul(decay), load(grad, i), m, v, param, i,
                        beta1, beta2, eps, stepSize, invSqrtCorrection2, mFloor, vFloor);
            }
        } else {
            for (; i < bound; i += LANES) {
                FloatVector p = load(param, i);
                adamMoments(p, load(grad, i).add(p.mul(weightDecay)), m, v, param, i,
                        beta1, beta2, eps, stepSize, invSqrtCorrection2, mFloor, vFloor);
            }
        }
        // The tail is the scalar kernel itself: the same operations lane by lane.
        SCALAR_TWIN.adamUpdate(param, grad, m, v, i, off + n - i, lr, beta1, beta2, eps, weightDecay, decoupled, step);
    }

    /**
     * m, v and param at i from the decayed param p and the (L2-adjusted) gradient g. Moments
     * below their floors are stored as 0 (see {@link Elementwise#adamUpdate}).
     */
    private static void adamMoments(FloatVector p, FloatVector g, float[] m, float[] v, float[] param, int i,
                                    float beta1, float beta2, float eps, float stepSize, float invSqrtCorrection2,
                                    float mFloor, float vFloor) {
        FloatVector zero = FloatVector.zero(SPECIES);
        FloatVector mi = load(m, i).mul(beta1).add(g.mul(1f - beta1));
        mi = mi.blend(zero, mi.abs().compare(LT, mFloor));
        FloatVector vi = load(v, i).mul(beta2).add(g.mul(1f - beta2).mul(g));
        vi = vi.blend(zero, vi.compare(LT, vFloor));
        mi.intoArray(m, i);
        vi.intoArray(v, i);
        FloatVector denominator = vi.lanewise(VectorOperators.SQRT).mul(invSqrtCorrection2).add(eps);
        p.sub(mi.mul(stepSize).div(denominator)).intoArray(param, i);
    }

    // ---- vector math: the lane-wise twins of ScalarMath, same operations in the same order ----
    // Constants are static final vectors, not broadcasts in place: each broadcast inlines a chain
    // of Vector API methods, and the GELU bodies would otherwise exceed C2's inlining node budget.

    private static FloatVector load(float[] a, int offset) {
        return FloatVector.fromArray(SPECIES, a, offset);
    }

    private static FloatVector splat(float c) {
        return FloatVector.broadcast(SPECIES, c);
    }

    private static final FloatVector ZERO = splat(0f);
    private static final FloatVector ONE = splat(1f);
    private static final FloatVector TWO = splat(2f);
    private static final FloatVector HALF = splat(0.5f);
    private static final FloatVector MINUS_HALF = splat(-0.5f);
    private static final FloatVector MINUS_MAX = splat(-Float.MAX_VALUE);
    private static final FloatVector MAX = splat(Float.MAX_VALUE);
    private static final FloatVector V_EXP_MIN = splat(EXP_MIN);
    private static final FloatVector V_EXP_MAX = splat(EXP_MAX);
    private static final FloatVector V_LOG2E = splat(LOG2E);
    private static final FloatVector V_ROUND = splat(ROUND);
    private static final FloatVector MINUS_LN2_HI = splat(-LN2_HI);
    private static final FloatVector MINUS_LN2_LO = splat(-LN2_LO);
    private static final FloatVector V_EXP_P0 = splat(EXP_P0);
    private static final FloatVector V_EXP_P1 = splat(EXP_P1);
    private static final FloatVector V_EXP_P2 = splat(EXP_P2);
    private static final FloatVector V_EXP_P3 = splat(EXP_P3);
    private static final FloatVector V_EXP_P4 = splat(EXP_P4);
    private static final FloatVector V_EXP_P5 = splat(EXP_P5);
    private static final IntVector ROUND_BITS = IntVector.broadcast(SPECIES.withLanes(int.class), Float.floatToRawIntBits(ROUND));
    private static final IntVector EXPONENT_BIAS = IntVector.broadcast(SPECIES.withLanes(int.class), 127);
    private static final FloatVector V_EXPM1_SMALL = splat(EXPM1_SMALL);
    private static final FloatVector V_INV_FACT_3 = splat(INV_FACT_3);
    private static final FloatVector V_INV_FACT_4 = splat(INV_FACT_4);
    private static final FloatVector V_INV_FACT_5 = splat(INV_FACT_5);
    private static final FloatVector V_INV_FACT_6 = splat(INV_FACT_6);
    private static final FloatVector V_INV_FACT_7 = splat(INV_FACT_7);
    private static final FloatVector V_INV_FACT_8 = splat(INV_FACT_8);
    private static final FloatVector V_TANH_SMALL = splat(TANH_SMALL);
    private static final FloatVector V_TANH_T0 = splat(TANH_T0);
    private static final FloatVector V_TANH_T1 = splat(TANH_T1);
    private static final FloatVector V_TANH_T2 = splat(TANH_T2);
    private static final FloatVector V_TANH_T3 = splat(TANH_T3);
    private static final FloatVector V_TANH_T4 = splat(TANH_T4);
    private static final FloatVector V_HALF_INV_SQRT_2 = splat(HALF_INV_SQRT_2);
    private static final FloatVector V_ERFCX_G0 = splat(ERFCX_G0);
    private static final FloatVector V_ERFCX_G1 = splat(ERFCX_G1);
    private static final FloatVector V_ERFCX_G2 = splat(ERFCX_G2);
    private static final FloatVector V_ERFCX_G3 = splat(ERFCX_G3);
    private static final FloatVector V_ERFCX_G4 = splat(ERFCX_G4);
    private static final FloatVector V_ERFCX_G5 = splat(ERFCX_G5);
    private static final FloatVector V_ERFCX_G6 = splat(ERFCX_G6);
    private static final FloatVector V_ERFCX_G7 = splat(ERFCX_G7);
    private static final FloatVector V_ERFCX_G8 = splat(ERFCX_G8);
    private static final FloatVector V_INV_SQRT_2PI = splat(INV_SQRT_2PI);
    private static final FloatVector V_GELU_SATURATION = splat(GELU_SATURATION);
    private static final FloatVector MINUS_GELU_SATURATION = splat(-GELU_SATURATION);
    private static final FloatVector V_GELU_CUBIC = splat(GELU_CUBIC);
    private static final FloatVector V_GELU_CUBIC_3 = splat(GELU_CUBIC_3);
    private static final FloatVector V_TWO_SQRT_2_OVER_PI = splat(TWO_SQRT_2_OVER_PI);

    private static FloatVector exp(FloatVector x) {
        FloatVector c = x.max(V_EXP_MIN).min(V_EXP_MAX);
        FloatVector shifted = c.mul(V_LOG2E).add(V_ROUND);
        FloatVector k = shifted.sub(V_ROUND);
        FloatVector r = k.fma(MINUS_LN2_HI, c);
        r = k.fma(MINUS_LN2_LO, r);
        return expReduced(shifted, r);
    }

    /** exp(hi + lo) without rounding hi + lo first; hi + lo must lie in [-110, 0]. */
    private static FloatVector expParts(FloatVector hi, FloatVector lo) {
        FloatVector shifted = hi.add(lo).mul(V_LOG2E).add(V_ROUND);
        FloatVector k = shifted.sub(V_ROUND);
        FloatVector r = k.fma(MINUS_LN2_HI, hi);
        r = k.fma(MINUS_LN2_LO, r).add(lo);
        return expReduced(shifted, r);
    }

    /** 2^k p(r), with k + ROUND in shifted: its low bits hold k (no float-to-int conversion, which costs many JIT nodes). */
    private static FloatVector expReduced(FloatVector shifted, FloatVector r) {
        FloatVector q = r.fma(V_EXP_P0, V_EXP_P1);
        q = q.fma(r, V_EXP_P2);
        q = q.fma(r, V_EXP_P3);
        q = q.fma(r, V_EXP_P4);
        q = q.fma(r, V_EXP_P5);
        FloatVector p = q.fma(r.mul(r), r).add(ONE);
        IntVector ki = shifted.reinterpretAsInts().sub(ROUND_BITS);
        IntVector k1 = ki.lanewise(VectorOperators.ASHR, 1);
        return p.mul(pow2(k1)).mul(pow2(ki.sub(k1)));
    }

    private static FloatVector pow2(IntVector k) {
        return k.add(EXPONENT_BIAS).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    }

    private static FloatVector expm1(FloatVector x) {
        FloatVector q = x.fma(V_INV_FACT_8, V_INV_FACT_7);
        q = q.fma(x, V_INV_FACT_6);
        q = q.fma(x, V_INV_FACT_5);
        q = q.fma(x, V_INV_FACT_4);
        q = q.fma(x, V_INV_FACT_3);
        q = q.fma(x, HALF);
        FloatVector small = q.fma(x.mul(x), x);
        return exp(x).sub(ONE).blend(small, x.abs().compare(LT, V_EXPM1_SMALL));
    }

    private static FloatVector tanh(FloatVector x) {
        FloatVector a = x.abs();
        FloatVector z = x.mul(x);
        FloatVector q = z.fma(V_TANH_T0, V_TANH_T1);
        q = q.fma(z, V_TANH_T2);
        q = q.fma(z, V_TANH_T3);
        q = q.fma(z, V_TANH_T4);
        FloatVector small = q.mul(z).fma(x, x);
        FloatVector large = ONE.sub(TWO.div(exp(a.add(a)).add(ONE)));
        large = large.blend(large.neg(), x.compare(LT, ZERO));
        return large.blend(small, a.compare(LT, V_TANH_SMALL));
    }

    private static FloatVector sigmoid(FloatVector x) {
        FloatVector e = exp(x.abs().neg());
        return ONE.blend(e, x.compare(LT, ZERO)).div(e.add(ONE));
    }

    private static FloatVector siluGrad(FloatVector x) {
        FloatVector e = exp(x.abs().neg());
        FloatVector d = ONE.div(e.add(ONE));
        FloatVector ed = e.mul(d);
        VectorMask<Float> negative = x.compare(LT, ZERO);
        FloatVector s = d.blend(ed, negative);
        FloatVector complement = ed.blend(d, negative);
        FloatVector finite = x.max(MINUS_MAX).min(MAX);
        return s.mul(finite.fma(complement, ONE));
    }

    private static FloatVector normalCdf(FloatVector xc) {
        FloatVector a = xc.abs();
        FloatVector tail = upperTail(a, gaussian(a));
        return tail.blend(ONE.sub(tail), xc.compare(GE, ZERO));
    }

    private static FloatVector geluGrad(FloatVector xc) {
        FloatVector a = xc.abs();
        FloatVector gaussian = gaussian(a);
        FloatVector tail = upperTail(a, gaussian);
        FloatVector cdf = tail.blend(ONE.sub(tail), xc.compare(GE, ZERO));
        return xc.fma(gaussian.mul(V_INV_SQRT_2PI), cdf);
    }

    private static FloatVector gaussian(FloatVector a) {
        FloatVector squared = a.mul(a);
        FloatVector squaredError = a.fma(a, squared.neg());
        return expParts(squared.mul(MINUS_HALF), squaredError.mul(MINUS_HALF));
    }

    private static FloatVector upperTail(FloatVector a, FloatVector gaussian) {
        FloatVector t = ONE.div(a.fma(V_HALF_INV_SQRT_2, ONE));
        FloatVector g = t.fma(V_ERFCX_G8, V_ERFCX_G7);
        g = g.fma(t, V_ERFCX_G6);
        g = g.fma(t, V_ERFCX_G5);
        g = g.fma(t, V_ERFCX_G4);
        g = g.fma(t, V_ERFCX_G3);
        g = g.fma(t, V_ERFCX_G2);
        g = g.fma(t, V_ERFCX_G1);
        g = g.fma(t, V_ERFCX_G0);
        return t.mul(HALF).mul(g).mul(gaussian);
    }

    private static FloatVector geluTanhArgument(FloatVector xc) {
        return xc.mul(xc).mul(V_GELU_CUBIC).fma(xc, xc).mul(V_TWO_SQRT_2_OVER_PI);
    }

    private static FloatVector geluTanhGrad(FloatVector xc) {
        FloatVector twoU = geluTanhArgument(xc);
        FloatVector e = exp(twoU.abs().neg());
        FloatVector d = ONE.div(e.add(ONE));
        FloatVector ed = e.mul(d);
        VectorMask<Float> negative = twoU.compare(LT, ZERO);
        FloatVector s = d.blend(ed, negative);
        FloatVector complement = ed.blend(d, negative);
        FloatVector slope = xc.mul(xc).fma(V_GELU_CUBIC_3, ONE).mul(V_TWO_SQRT_2_OVER_PI);
        return xc.mul(s).mul(complement).fma(slope, s);
    }

    private static FloatVector clampGelu(FloatVector x) {
        return x.max(MINUS_GELU_SATURATION).min(V_GELU_SATURATION);
    }

    private static FloatVector finiteBelow(FloatVector x) {
        return x.max(MINUS_MAX);
    }
}
