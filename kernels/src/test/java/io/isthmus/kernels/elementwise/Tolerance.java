package io.isthmus.kernels.elementwise;

import static io.isthmus.kernels.elementwise.ElementwiseChecks.assertBitIdentical;
import static io.isthmus.kernels.elementwise.ElementwiseChecks.assertClose;

/**
 * How far a SIMD result may be from the scalar one at element i, given the kernel's inputs
 * a_i (x or y) and b_i (the second operand or dy):
 * {@code relative |expected| + absolute + absolutePerB |b_i| + relativePerTanhArgument |2u(a_i)| |expected|},
 * where 2u(x) = 2 sqrt(2/pi) (x + 0.044715 x^3), x clamped to +-14.5, is tanh-GELU's argument.
 * All zero means bit-identical.
 */
record Tolerance(double relative, double absolute, double absolutePerB, double relativePerTanhArgument) {

    static final Tolerance EXACT = new Tolerance(0, 0, 0, 0);

    boolean exact() {
        return equals(EXACT);
    }

    double allowed(float expected, float a, float b) {
        double x = Math.max(-14.5, Math.min(14.5, a));
        double twoU = Math.abs(2 * Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x));
        return (relative + relativePerTanhArgument * twoU) * Math.abs(expected) + absolute + absolutePerB * Math.abs(b);
    }

    /** Compares whole arrays: the kernel's range [outOff, outOff + n) within this tolerance, the rest bit for bit. */
    void assertMatches(float[] expected, float[] actual, float[] a, int aOff, float[] b, int bOff, int outOff, int n,
                       String what) {
        if (exact()) {
            assertBitIdentical(expected, actual, what);
            return;
        }
        for (int i = 0; i < expected.length; i++) {
            int k = i - outOff;
            if (k < 0 || k >= n) {
                assertBitIdentical(new float[] {expected[i]}, new float[] {actual[i]}, what + " outside the range, index " + i);
            } else {
                float ai = a[aOff + k];
                float bi = b[bOff + k];
                assertClose(expected[i], actual[i], allowed(expected[i], ai, bi), what + " at " + k + " (a=" + ai + ", b=" + bi + ")");
            }
        }
    }
}
