package io.isthmus.kernels.simd;

/**
 * The float functions behind the SIMD elementwise kernels, one value at a time, and their
 * constants. {@link SpeciesElementwise} computes the same functions on vectors with the same
 * operations in the same order (lane-wise IEEE float ops and fused multiply-adds are exactly
 * rounded both ways), so the scalar tail of a kernel gives bit for bit what a vector lane gives.
 *
 * <p>Accuracy against double-precision references (asserted in {@code ScalarMathTest}):
 * exp 1e-7 relative (Cephes polynomial, Cody-Waite reduction); expm1 and tanh 2e-7 relative;
 * sigmoid 2.5e-7 and SiLU 3e-7 relative; the normal CDF and GELU 6e-7 relative into the far
 * negative tail (erfc = t exp(-z^2) G(t), G a fitted degree-8 polynomial, with x^2/2 split
 * exactly); tanh-GELU 2.5e-7 (1 + |2u|) relative, 2u its tanh argument (float rounding of u);
 * the SiLU and GELU gradients 1e-6 relative + 1e-7 absolute (they cross zero).
 */
final class ScalarMath {

    // exp: x = k ln2 + r, |r| <= ln2/2, exp(x) = 2^k p(r).
    static final float EXP_MIN = -104f;   // exp underflows to 0 in float below about -103.97
    static final float EXP_MAX = 89f;     // exp overflows to +Inf in float above about 88.72
    static final float LOG2E = 1.44269504088896341f;
    static final float ROUND = 12582912f; // 1.5 * 2^23: x + ROUND holds round(x) in its low bits
    static final float LN2_HI = 0.693359375f;
    static final float LN2_LO = -2.12194440e-4f;
    static final float EXP_P0 = 1.9875691500e-4f;
    static final float EXP_P1 = 1.3981999507e-3f;
    static final float EXP_P2 = 8.3334519073e-3f;
    static final float EXP_P3 = 4.1665795894e-2f;
    static final float EXP_P4 = 1.6666665459e-1f;
    static final float EXP_P5 = 5.0000001201e-1f;

    // expm1 below |x| < 0.5: Taylor to x^8 (truncation below 1.5e-8 relative).
    static final float EXPM1_SMALL = 0.5f;
    static final float INV_FACT_3 = 1f / 6;
    static final float INV_FACT_4 = 1f / 24;
    static final float INV_FACT_5 = 1f / 120;
    static final float INV_FACT_6 = 1f / 720;
    static final float INV_FACT_7 = 1f / 5040;
    static final float INV_FACT_8 = 1f / 40320;

    // tanh below |x| < 0.625: Cephes' odd polynomial; above, 1 - 2 / (exp(2|x|) + 1).
    static final float TANH_SMALL = 0.625f;
    static final float TANH_T0 = -5.70498872745e-3f;
    static final float TANH_T1 = 2.06390887954e-2f;
    static final float TANH_T2 = -5.37397155531e-2f;
    static final float TANH_T3 = 1.33314422036e-1f;
    static final float TANH_T4 = -3.33332819422e-1f;

    // Normal upper tail Q(a) = erfc(a / sqrt 2) / 2 = t/2 G(t) exp(-a^2/2), t = 1 / (1 + a / (2 sqrt 2)),
    // G(t) = erfcx(a / sqrt 2) / t: a degree-8 polynomial fitted (minimax-like, float coefficients)
    // on t in [0.163, 1], i.e. a <= 14.5; 1.3e-7 relative error evaluated in float.
    static final float HALF_INV_SQRT_2 = 0.35355339059327373f;
    static final float ERFCX_G0 = 0.28208595514297485f;
    static final float ERFCX_G1 = 0.2823835611343384f;
    static final float ERFCX_G2 = 0.24304385483264923f;
    static final float ERFCX_G3 = 0.20292316377162933f;
    static final float ERFCX_G4 = -0.027182599529623985f;
    static final float ERFCX_G5 = 0.27887359261512756f;
    static final float ERFCX_G6 = -0.4879031777381897f;
    static final float ERFCX_G7 = 0.28491389751434326f;
    static final float ERFCX_G8 = -0.05913829430937767f;
    static final float INV_SQRT_2PI = 0.3989422804014327f;
    /**
     * Beyond |x| = 14.5 the normal CDF and pdf, and tanh-GELU's sigmoid, are exactly 0 or 1 in
     * float; clamping there keeps x^2, x^3 and x * pdf finite at x = +-Inf.
     */
    static final float GELU_SATURATION = 14.5f;
    static final float TWO_SQRT_2_OVER_PI = (float) (2 * Math.sqrt(2 / Math.PI));
    static final float GELU_CUBIC = 0.044715f;
    static final float GELU_CUBIC_3 = 3 * 0.044715f;

    private ScalarMath() {
    }

    static float exp(float x) {
        float c = Math.min(Math.max(x, EXP_MIN), EXP_MAX);
        float shifted = c * LOG2E + ROUND;
        float k = shifted - ROUND;
        float r = Math.fma(k, -LN2_HI, c);
        r = Math.fma(k, -LN2_LO, r);
        return expReduced(shifted, r);
    }

    /** exp(hi + lo) without rounding hi + lo first; hi + lo must lie in [-110, 0]. */
    static float expParts(float hi, float lo) {
        float shifted = (hi + lo) * LOG2E + ROUND;
        float k = shifted - ROUND;
        float r = Math.fma(k, -LN2_HI, hi);
        r = Math.fma(k, -LN2_LO, r) + lo;
        return expReduced(shifted, r);
    }

    /** 2^k p(r), k read from the low bits of shifted = k + ROUND. */
    private static float expReduced(float shifted, float r) {
        float q = Math.fma(r, EXP_P0, EXP_P1);
        q = Math.fma(q, r, EXP_P2);
        q = Math.fma(q, r, EXP_P3);
        q = Math.fma(q, r, EXP_P4);
        q = Math.fma(q, r, EXP_P5);
        float p = Math.fma(q, r * r, r) + 1f;
        // 2^k as two factors so that k = 128 (near overflow) and k < -126 (subnormal results) scale right.
        int ki = Float.floatToRawIntBits(shifted) - Float.floatToRawIntBits(ROUND);
        int k1 = ki >> 1;
        return p * pow2(k1) * pow2(ki - k1);
    }

    private static float pow2(int k) {
        return Float.intBitsToFloat((k + 127) << 23);
    }

    static float expm1(float x) {
        float q = Math.fma(x, INV_FACT_8, INV_FACT_7);
        q = Math.fma(q, x, INV_FACT_6);
        q = Math.fma(q, x, INV_FACT_5);
        q = Math.fma(q, x, INV_FACT_4);
        q = Math.fma(q, x, INV_FACT_3);
        q = Math.fma(q, x, 0.5f);
        float small = Math.fma(q, x * x, x);
        return Math.abs(x) < EXPM1_SMALL ? small : exp(x) - 1f;
    }

    static float tanh(float x) {
        float a = Math.abs(x);
        float z = x * x;
        float q = Math.fma(z, TANH_T0, TANH_T1);
        q = Math.fma(q, z, TANH_T2);
        q = Math.fma(q, z, TANH_T3);
        q = Math.fma(q, z, TANH_T4);
        float small = Math.fma(q * z, x, x);
        float large = 1f - 2f / (exp(a + a) + 1f);
        large = x < 0f ? -large : large;
        return a < TANH_SMALL ? small : large;
    }

    /** 1 / (1 + exp(-x)) from e = exp(-|x|), so exp never overflows and negative x keep full relative accuracy. */
    static float sigmoid(float x) {
        float e = exp(-Math.abs(x));
        return (x < 0f ? e : 1f) / (e + 1f);
    }

    /** d/dx x sigmoid(x) = s (1 + x (1 - s)), with 1 - s computed directly, not by cancellation. */
    static float siluGrad(float x) {
        float e = exp(-Math.abs(x));
        float d = 1f / (e + 1f);
        float ed = e * d;
        boolean negative = x < 0f;
        float s = negative ? ed : d;
        float complement = negative ? d : ed;
        float finite = Math.min(Math.max(x, -Float.MAX_VALUE), Float.MAX_VALUE);
        return s * Math.fma(finite, complement, 1f);
    }

    /** Normal CDF Phi(x) of x clamped to +-{@link #GELU_SATURATION}. */
    static float normalCdf(float xc) {
        float a = Math.abs(xc);
        float tail = upperTail(a, gaussian(a));
        return xc >= 0f ? 1f - tail : tail;
    }

    /** Phi(x) + x phi(x) of x clamped to +-{@link #GELU_SATURATION}: one exp serves both. */
    static float geluGrad(float xc) {
        float a = Math.abs(xc);
        float gaussian = gaussian(a);
        float tail = upperTail(a, gaussian);
        float cdf = xc >= 0f ? 1f - tail : tail;
        return Math.fma(xc, INV_SQRT_2PI * gaussian, cdf);
    }

    /** exp(-a^2/2) with a^2 split exactly into a float and its rounding error, so large a lose nothing. */
    private static float gaussian(float a) {
        float squared = a * a;
        float squaredError = Math.fma(a, a, -squared);
        return expParts(squared * -0.5f, squaredError * -0.5f);
    }

    /** Q(a) = P(Z &gt; a) for a &gt;= 0, given exp(-a^2/2). */
    private static float upperTail(float a, float gaussian) {
        float t = 1f / Math.fma(a, HALF_INV_SQRT_2, 1f);
        float g = Math.fma(t, ERFCX_G8, ERFCX_G7);
        g = Math.fma(g, t, ERFCX_G6);
        g = Math.fma(g, t, ERFCX_G5);
        g = Math.fma(g, t, ERFCX_G4);
        g = Math.fma(g, t, ERFCX_G3);
        g = Math.fma(g, t, ERFCX_G2);
        g = Math.fma(g, t, ERFCX_G1);
        g = Math.fma(g, t, ERFCX_G0);
        return t * 0.5f * g * gaussian;
    }

    /** 2u = 2 sqrt(2/pi) (x + 0.044715 x^3) of x clamped to +-{@link #GELU_SATURATION}; 0.5 (1 + tanh u) = sigmoid(2u). */
    static float geluTanhArgument(float xc) {
        return Math.fma(xc * xc * GELU_CUBIC, xc, xc) * TWO_SQRT_2_OVER_PI;
    }

    /** Derivative of 0.5 x (1 + tanh u): s + x s (1 - s) (2u)', s = sigmoid(2u), for x clamped to +-{@link #GELU_SATURATION}. */
    static float geluTanhGrad(float xc) {
        float twoU = geluTanhArgument(xc);
        float e = exp(-Math.abs(twoU));
        float d = 1f / (e + 1f);
        float ed = e * d;
        boolean negative = twoU < 0f;
        float s = negative ? ed : d;
        float complement = negative ? d : ed;
        float slope = Math.fma(xc * xc, GELU_CUBIC_3, 1f) * TWO_SQRT_2_OVER_PI;
        return Math.fma(xc * s * complement, slope, s);
    }

    static float clampGelu(float x) {
        return Math.min(Math.max(x, -GELU_SATURATION), GELU_SATURATION);
    }

    /** x with -Inf replaced by -MAX_VALUE, so x * f(x) is -0, not NaN, where f(-Inf) = 0. */
    static float finiteBelow(float x) {
        return Math.max(x, -Float.MAX_VALUE);
    }
}
