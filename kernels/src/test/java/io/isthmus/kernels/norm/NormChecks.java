package io.isthmus.kernels.norm;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Inputs and comparisons the normalization kernels' tests share. */
final class NormChecks {

    private NormChecks() {
    }

    /** n floats uniform in center ± spread. */
    static float[] random(SplittableRandom random, int n, double center, double spread) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (center + spread * (random.nextDouble() * 2 - 1));
        }
        return v;
    }

    /** |expected - actual| <= tol (1 + |expected|) element by element, naming the first that is not. */
    static void assertClose(String what, float[] expected, float[] actual, double tol) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(expected[i] - actual[i]) <= tol * (1 + Math.abs(expected[i])))) {
                fail(what + " at " + i + ": expected " + expected[i] + ", got " + actual[i]);
            }
        }
    }
}
