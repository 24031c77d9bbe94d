package io.isthmus.kernels.simd;

import io.isthmus.kernels.elementwise.Erf;
import org.junit.jupiter.api.Test;

import java.util.function.DoubleUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The float math behind the SIMD kernels (whose vector lanes give the same bits, see
 * SimdElementwiseTest) against double-precision references over dense sweeps. The bounds
 * asserted here are the ones stated in {@link ScalarMath}.
 */
class ScalarMathTest {

    private static final int STEPS = 400_000;

    @Test
    void expIsWithin1e7RelativeAndSaturatesCleanly() {
        sweep("exp", Math::exp, x -> ScalarMath.exp((float) x), -87.3, 88.7, 1e-7, 0);
        // subnormal results: correctly scaled, to within one subnormal step
        sweep("exp subnormal", Math::exp, x -> ScalarMath.exp((float) x), -103.9, -87.4, 1e-7, Float.MIN_VALUE);
        assertEquals(1f, ScalarMath.exp(0f));
        assertEquals(0f, ScalarMath.exp(-104.5f));
        assertEquals(0f, ScalarMath.exp(Float.NEGATIVE_INFINITY));
        assertEquals(Float.POSITIVE_INFINITY, ScalarMath.exp(88.73f));
        assertEquals(Float.POSITIVE_INFINITY, ScalarMath.exp(Float.POSITIVE_INFINITY));
        assertTrue(Float.isFinite(ScalarMath.exp(88.72f)));
        assertTrue(Float.isNaN(ScalarMath.exp(Float.NaN)));
    }

    @Test
    void expPartsKeepsTheLowPartOfTheArgument() {
        // exp(hi + lo) with lo far below hi's ulp: the split argument keeps it, a rounded sum would lose it
        float hi = -80f;
        float lo = 3e-6f;
        assertEquals(Math.exp(-80.0 + 3e-6), ScalarMath.expParts(hi, lo), 1e-7 * Math.exp(-80));
        assertTrue(Math.abs(ScalarMath.exp(hi + lo) - Math.exp(-80.0 + 3e-6)) > 1e-6 * Math.exp(-80));
    }

    @Test
    void expm1IsWithin2e7Relative() {
        sweep("expm1", Math::expm1, x -> ScalarMath.expm1((float) x), -30, 3, 2e-7, 0);
        sweep("expm1 near 0", Math::expm1, x -> ScalarMath.expm1((float) x), -1e-3, 1e-3, 2e-7, 1e-45);
        assertEquals(-1f, ScalarMath.expm1(Float.NEGATIVE_INFINITY));
        assertEquals(0f, ScalarMath.expm1(-0f), 0f);
    }

    @Test
    void tanhIsWithin2e7Relative() {
        sweep("tanh", Math::tanh, x -> ScalarMath.tanh((float) x), -20, 20, 2e-7, 1e-45);
        sweep("tanh near 0", Math::tanh, x -> ScalarMath.tanh((float) x), -1e-3, 1e-3, 2e-7, 1e-45);
        assertEquals(1f, ScalarMath.tanh(Float.POSITIVE_INFINITY));
        assertEquals(-1f, ScalarMath.tanh(-1e30f));
    }

    @Test
    void sigmoidAndSiluAreWithin3e7Relative() {
        sweep("sigmoid", ScalarMathTest::sigmoid, x -> ScalarMath.sigmoid((float) x), -87, 30, 2.5e-7, 0);
        sweep("silu", x -> x * sigmoid(x), x -> ScalarMath.finiteBelow((float) x) * ScalarMath.sigmoid((float) x),
                -87, 30, 3e-7, 1e-45);
        sweep("silu gradient", x -> sigmoid(x) * (1 + x * (1 - sigmoid(x))), x -> ScalarMath.siluGrad((float) x),
                -87, 30, 1e-6, 1e-7);
    }

    @Test
    void normalCdfAndGeluAreWithin6e7RelativeIntoTheFarTail() {
        sweep("normal cdf", ScalarMathTest::phi, x -> ScalarMath.normalCdf(ScalarMath.clampGelu((float) x)), -13, 14.5, 6e-7, 0);
        sweep("gelu", x -> x * phi(x),
                x -> ScalarMath.finiteBelow((float) x) * ScalarMath.normalCdf(ScalarMath.clampGelu((float) x)),
                -13, 14.5, 6e-7, 1e-45);
        sweep("gelu gradient", x -> phi(x) + x * Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI),
                x -> ScalarMath.geluGrad(ScalarMath.clampGelu((float) x)), -13, 14.5, 1e-6, 1e-7);
    }

    /** Relative error grows with tanh-GELU's argument 2u: the float rounding of u itself, 2.5e-7 (1 + |2u|). */
    @Test
    void geluTanhIsWithinItsArgumentConditionedBound() {
        double worst = 0;
        for (int i = 0; i <= STEPS; i++) {
            float x = (float) (-10 + 24.5 * i / STEPS);
            double twoU = 2 * Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x);
            double expected = x * sigmoid(twoU); // = 0.5 x (1 + tanh u), without cancellation
            float xc = ScalarMath.clampGelu(x);
            double actual = ScalarMath.finiteBelow(x) * ScalarMath.sigmoid(ScalarMath.geluTanhArgument(xc));
            double allowed = 2.5e-7 * (1 + Math.abs(twoU)) * Math.abs(expected) + 1e-45;
            if (!(Math.abs(actual - expected) <= allowed)) {
                fail("geluTanh(" + x + ") = " + actual + ", expected " + expected + " within " + allowed);
            }
            worst = Math.max(worst, Math.abs(actual - expected) / allowed);
        }
        assertTrue(worst > 0.05, "the bound should be tight enough to mean something, worst ratio " + worst);
        sweep("geluTanh gradient", x -> {
            double k = Math.sqrt(2 / Math.PI);
            double u = k * (x + 0.044715 * x * x * x);
            double s = sigmoid(2 * u);
            return s + 2 * x * s * (1 - s) * k * (1 + 3 * 0.044715 * x * x);
        }, x -> ScalarMath.geluTanhGrad(ScalarMath.clampGelu((float) x)), -10, 14.5, 1e-6, 1e-7);
    }

    private static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }

    /** Phi(x) with full relative accuracy in both tails (erfc by continued fraction beyond 2). */
    private static double phi(double x) {
        double z = Math.abs(x) / Math.sqrt(2);
        double erfc;
        if (z < 2) {
            erfc = 1 - Erf.erf(z);
        } else {
            double f = z;
            for (int k = 200; k >= 1; k--) {
                f = z + (k / 2.0) / f;
            }
            erfc = Math.exp(-z * z) / Math.sqrt(Math.PI) / f;
        }
        return x >= 0 ? 1 - erfc / 2 : erfc / 2;
    }

    /**
     * |actual - expected| &lt;= relative |expected| + absolute over [lo, hi], and the worst case
     * must use a fair part of the bound, so that the bound states the accuracy rather than hides it.
     */
    private static void sweep(String name, DoubleUnaryOperator expected, DoubleUnaryOperator actual,
                              double lo, double hi, double relative, double absolute) {
        double worst = 0;
        for (int i = 0; i <= STEPS; i++) {
            float x = (float) (lo + (hi - lo) * i / STEPS);
            double e = expected.applyAsDouble(x);
            double a = actual.applyAsDouble(x);
            double allowed = relative * Math.abs(e) + absolute;
            if (!(Math.abs(a - e) <= allowed)) {
                fail(name + "(" + x + ") = " + a + ", expected " + e + " within " + allowed);
            }
            if (allowed > 0) {
                worst = Math.max(worst, Math.abs(a - e) / allowed);
            }
        }
        assertTrue(worst > 0.05, name + ": the bound should be tight enough to mean something, worst ratio " + worst);
    }
}
