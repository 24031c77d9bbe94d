package io.isthmus.kernels.elementwise;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.fail;

/** Array helpers shared by the elementwise tests. */
final class ElementwiseChecks {

    /** Fills the space around a kernel's range, so that a write outside it shows up as a difference. */
    static final float SENTINEL = -12345.5f;
    static final int TRAILING_PAD = 9;

    private ElementwiseChecks() {
    }

    /** values placed at offset off in an array with sentinels before and after. */
    static float[] padded(float[] values, int off) {
        float[] out = new float[off + values.length + TRAILING_PAD];
        Arrays.fill(out, SENTINEL);
        System.arraycopy(values, 0, out, off, values.length);
        return out;
    }

    /** Same bits everywhere (any NaN equals any NaN). */
    static void assertBitIdentical(float[] expected, float[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            if (!sameBits(expected[i], actual[i])) {
                fail(what + ": at index " + i + " expected " + expected[i] + " but was " + actual[i]);
            }
        }
    }

    static boolean sameBits(float expected, float actual) {
        return Float.floatToIntBits(expected) == Float.floatToIntBits(actual);
    }

    /** |actual - expected| within the bound, with NaN only against NaN and infinities only against themselves. */
    static void assertClose(double expected, double actual, double allowed, String what) {
        boolean ok = Double.isNaN(expected) ? Double.isNaN(actual)
                : expected == actual || Math.abs(actual - expected) <= allowed;
        if (!ok) {
            fail(what + ": expected " + expected + " but was " + actual + " (difference " + Math.abs(actual - expected)
                    + ", allowed " + allowed + ")");
        }
    }
}
