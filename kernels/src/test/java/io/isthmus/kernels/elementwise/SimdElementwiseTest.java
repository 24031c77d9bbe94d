package io.isthmus.kernels.elementwise;

import io.isthmus.kernels.simd.SimdElementwise;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static io.isthmus.kernels.elementwise.ElementwiseChecks.SENTINEL;
import static io.isthmus.kernels.elementwise.ElementwiseChecks.padded;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIMD (256- and 512-bit) against the scalar reference: every elementwise kernel on every length
 * 0..70 and 100_003, at non-zero offsets, out of place and in place (out == x), with the whole
 * output array compared so that writes outside the range fail too.
 *
 * <p>Bounds asserted: {@code exact} kernels are bit-identical; exp-based forward kernels within
 * 2e-6 relative (absolute 1e-37 for subnormal results; 1e-14 for the GELUs, whose double
 * reference itself cancels to about 1e-16 |x| in the far negative tail); their backward kernels
 * within 2e-6 relative plus 1e-7 |dy| (the gradients cross zero, where only absolute error is
 * meaningful); tanh-GELU's relative bound grows by 3e-7 |2u| with its tanh argument u, the float
 * rounding of u that any float32 implementation has.
 */
class SimdElementwiseTest {

    private static final ScalarElementwise SCALAR = new ScalarElementwise();
    static final int LARGE = 100_003;

    static Stream<VectorSpecies<Float>> species() {
        return Stream.of(FloatVector.SPECIES_256, FloatVector.SPECIES_512);
    }

    static int[] lengths() {
        return IntStream.concat(IntStream.rangeClosed(0, 70), IntStream.of(LARGE)).toArray();
    }

    /** A kernel with two inputs (a, b) and one output, e.g. add(x, y, out) or geluBackward(x, dy, dx). */
    @FunctionalInterface
    interface Kernel {
        void run(Elementwise e, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n);
    }

    record Case(String name, Kernel kernel, Inputs a, Inputs b, Tolerance tolerance) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        Tolerance exact = Tolerance.EXACT;
        // arithmetic
        cases.add(new Case("add", Elementwise::add, Inputs.WIDE, Inputs.WIDE, exact));
        cases.add(new Case("sub", Elementwise::sub, Inputs.WIDE, Inputs.WIDE, exact));
        cases.add(new Case("mul", Elementwise::mul, Inputs.WIDE, Inputs.WIDE, exact));
        cases.add(new Case("div", Elementwise::div, Inputs.WIDE, Inputs.WIDE, exact));
        cases.add(new Case("axpy", (e, a, ao, b, bo, out, oo, n) -> {
            System.arraycopy(b, bo, out, oo, n);
            e.axpy(-0.75f, a, ao, out, oo, n);
        }, Inputs.WIDE, Inputs.WIDE, exact));
        cases.add(new Case("scale", (e, a, ao, b, bo, out, oo, n) -> e.scale(1.5f, a, ao, out, oo, n),
                Inputs.WIDE, Inputs.NONE, exact));
        cases.add(new Case("addScalar", (e, a, ao, b, bo, out, oo, n) -> e.addScalar(-2.25f, a, ao, out, oo, n),
                Inputs.WIDE, Inputs.NONE, exact));
        // activations without exp
        cases.add(new Case("relu", (e, a, ao, b, bo, out, oo, n) -> e.relu(a, ao, out, oo, n),
                Inputs.WIDE, Inputs.NONE, exact));
        cases.add(new Case("reluBackward", Elementwise::reluBackward, Inputs.WIDE, Inputs.GRADIENT, exact));
        cases.add(new Case("leakyRelu", (e, a, ao, b, bo, out, oo, n) -> e.leakyRelu(0.01f, a, ao, out, oo, n),
                Inputs.WIDE, Inputs.NONE, exact));
        cases.add(new Case("leakyReluBackward", (e, a, ao, b, bo, out, oo, n) -> e.leakyReluBackward(0.2f, a, ao, b, bo, out, oo, n),
                Inputs.WIDE, Inputs.GRADIENT, exact));
        cases.add(new Case("sigmoidBackward", Elementwise::sigmoidBackward, Inputs.PROBABILITY, Inputs.GRADIENT, exact));
        cases.add(new Case("tanhBackward", Elementwise::tanhBackward, Inputs.TANH_OUTPUT, Inputs.GRADIENT, exact));
        // exp-based activations
        Tolerance expBased = new Tolerance(2e-6, 1e-37, 0, 0);
        Tolerance geluBased = new Tolerance(2e-6, 1e-14, 0, 0);
        Tolerance gradient = new Tolerance(2e-6, 1e-37, 1e-7, 0);
        cases.add(new Case("elu", (e, a, ao, b, bo, out, oo, n) -> e.elu(1.3f, a, ao, out, oo, n),
                Inputs.EXTREME, Inputs.NONE, expBased));
        cases.add(new Case("eluBackward", (e, a, ao, b, bo, out, oo, n) -> e.eluBackward(1.3f, a, ao, b, bo, out, oo, n),
                Inputs.EXTREME, Inputs.GRADIENT, gradient));
        cases.add(new Case("sigmoid", (e, a, ao, b, bo, out, oo, n) -> e.sigmoid(a, ao, out, oo, n),
                Inputs.EXTREME, Inputs.NONE, expBased));
        cases.add(new Case("tanh", (e, a, ao, b, bo, out, oo, n) -> e.tanh(a, ao, out, oo, n),
                Inputs.EXTREME, Inputs.NONE, expBased));
        cases.add(new Case("silu", (e, a, ao, b, bo, out, oo, n) -> e.silu(a, ao, out, oo, n),
                Inputs.EXTREME, Inputs.NONE, expBased));
        cases.add(new Case("siluBackward", Elementwise::siluBackward, Inputs.EXTREME, Inputs.GRADIENT, gradient));
        cases.add(new Case("gelu", (e, a, ao, b, bo, out, oo, n) -> e.gelu(a, ao, out, oo, n),
                Inputs.EXTREME, Inputs.NONE, geluBased));
        cases.add(new Case("geluBackward", Elementwise::geluBackward, Inputs.EXTREME, Inputs.GRADIENT, gradient));
        cases.add(new Case("geluTanh", (e, a, ao, b, bo, out, oo, n) -> e.geluTanh(a, ao, out, oo, n),
                Inputs.EXTREME, Inputs.NONE, new Tolerance(2e-6, 1e-14, 0, 3e-7)));
        cases.add(new Case("geluTanhBackward", Elementwise::geluTanhBackward, Inputs.EXTREME, Inputs.GRADIENT,
                new Tolerance(2e-6, 1e-37, 1e-7, 3e-7)));
        return cases;
    }

    static Stream<Arguments> speciesAndCases() {
        return species().flatMap(s -> cases().stream().map(c -> Arguments.of(s, c)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("speciesAndCases")
    void matchesScalarOnEveryLengthAtOffsets(VectorSpecies<Float> species, Case c) {
        Elementwise simd = new SimdElementwise(species);
        SplittableRandom random = new SplittableRandom(c.name().hashCode());
        for (int n : lengths()) {
            int aOff = 3;
            int bOff = 7;
            int outOff = 5;
            float[] a = padded(c.a().fill(random, n), aOff);
            float[] b = padded(c.b().fill(random, n), bOff);
            float[] expected = padded(new float[n], outOff);
            Arrays.fill(expected, SENTINEL);
            float[] actual = expected.clone();
            c.kernel().run(SCALAR, a, aOff, b, bOff, expected, outOff, n);
            c.kernel().run(simd, a.clone(), aOff, b.clone(), bOff, actual, outOff, n);
            c.tolerance().assertMatches(expected, actual, a, aOff, b, bOff, outOff, n, c.name() + " n=" + n);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("speciesAndCases")
    void matchesScalarInPlace(VectorSpecies<Float> species, Case c) {
        Elementwise simd = new SimdElementwise(species);
        SplittableRandom random = new SplittableRandom(~c.name().hashCode());
        for (int n : new int[] {1, 7, 33, 67, 1000, LARGE}) {
            int off = 2;
            float[] a = padded(c.a().fill(random, n), off);
            float[] b = padded(c.b().fill(random, n), 4);
            float[] expected = a.clone();
            float[] actual = a.clone();
            c.kernel().run(SCALAR, expected, off, b, 4, expected, off, n);
            c.kernel().run(simd, actual, off, b.clone(), 4, actual, off, n);
            c.tolerance().assertMatches(expected, actual, a, off, b, 4, off, n, c.name() + " in place n=" + n);
        }
    }

    /** Every special input in every lane position and in the scalar tail: finite where the math is finite, limits at +-Inf. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("species")
    void expBasedKernelsHaveTheirLimitsAndNoSpuriousNanOrInf(VectorSpecies<Float> species) {
        Elementwise simd = new SimdElementwise(species);
        float[] finite = {-Float.MAX_VALUE, -1e30f, -1e4f, -1000f, -104f, -89f, -88.5f, -80f, -20f, -14.5f, -1e-3f,
            -1e-30f, -1e-40f, -0f, 0f, 1e-40f, 1e-30f, 1e-3f, 14.5f, 20f, 80f, 88.5f, 89f, 104f, 1000f, 1e4f, 1e30f,
            Float.MAX_VALUE};
        float[] ones = new float[finite.length];
        Arrays.fill(ones, 1f);
        for (Elementwise e : List.of(SCALAR, simd)) {
            for (int shift = 0; shift < finite.length; shift++) {
                float[] x = rotate(finite, shift);
                String where = e.name() + " shift " + shift + " ";
                assertFiniteAndBounded(e, x, ones, where);
            }
            // limits at +-Inf, in a vector lane and in the tail
            float[] inf = new float[species.length() + 2];
            for (int i = 0; i < inf.length; i++) {
                inf[i] = i % 2 == 0 ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
            }
            float[] dy = new float[inf.length];
            Arrays.fill(dy, 1f);
            float[] y = new float[inf.length];
            e.sigmoid(inf, 0, y, 0, inf.length);
            assertLimits(y, inf, 1f, 0f, e.name() + " sigmoid");
            e.tanh(inf, 0, y, 0, inf.length);
            assertLimits(y, inf, 1f, -1f, e.name() + " tanh");
            e.elu(1.5f, inf, 0, y, 0, inf.length);
            assertLimits(y, inf, Float.POSITIVE_INFINITY, -1.5f, e.name() + " elu");
            e.eluBackward(1.5f, inf, 0, dy, 0, y, 0, inf.length);
            assertLimits(y, inf, 1f, 0f, e.name() + " eluBackward");
            e.silu(inf, 0, y, 0, inf.length);
            assertLimits(y, inf, Float.POSITIVE_INFINITY, 0f, e.name() + " silu");
            e.siluBackward(inf, 0, dy, 0, y, 0, inf.length);
            assertLimits(y, inf, 1f, 0f, e.name() + " siluBackward");
            e.gelu(inf, 0, y, 0, inf.length);
            assertLimits(y, inf, Float.POSITIVE_INFINITY, 0f, e.name() + " gelu");
            e.geluBackward(inf, 0, dy, 0, y, 0, inf.length);
            assertLimits(y, inf, 1f, 0f, e.name() + " geluBackward");
            e.geluTanh(inf, 0, y, 0, inf.length);
            assertLimits(y, inf, Float.POSITIVE_INFINITY, 0f, e.name() + " geluTanh");
            e.geluTanhBackward(inf, 0, dy, 0, y, 0, inf.length);
            assertLimits(y, inf, 1f, 0f, e.name() + " geluTanhBackward");
        }
    }

    private static void assertFiniteAndBounded(Elementwise e, float[] x, float[] dy, String where) {
        int n = x.length;
        float[] y = new float[n];
        e.sigmoid(x, 0, y, 0, n);
        assertFiniteWithin(y, 0f, 1f, where + "sigmoid", x);
        e.tanh(x, 0, y, 0, n);
        assertFiniteWithin(y, -1f, 1f, where + "tanh", x);
        e.elu(1f, x, 0, y, 0, n);
        assertFiniteWithin(y, -1f, Float.MAX_VALUE, where + "elu", x);
        e.eluBackward(1f, x, 0, dy, 0, y, 0, n);
        assertFiniteWithin(y, 0f, 1f, where + "eluBackward", x);
        e.silu(x, 0, y, 0, n);
        assertFiniteWithin(y, -0.28f, Float.MAX_VALUE, where + "silu", x);
        e.siluBackward(x, 0, dy, 0, y, 0, n);
        assertFiniteWithin(y, -0.1f, 1.1f, where + "siluBackward", x);
        e.gelu(x, 0, y, 0, n);
        assertFiniteWithin(y, -0.17f, Float.MAX_VALUE, where + "gelu", x);
        e.geluBackward(x, 0, dy, 0, y, 0, n);
        assertFiniteWithin(y, -0.13f, 1.13f, where + "geluBackward", x);
        e.geluTanh(x, 0, y, 0, n);
        assertFiniteWithin(y, -0.17f, Float.MAX_VALUE, where + "geluTanh", x);
        e.geluTanhBackward(x, 0, dy, 0, y, 0, n);
        assertFiniteWithin(y, -0.13f, 1.13f, where + "geluTanhBackward", x);
        // the signs at the far ends: sigmoid(-80) is tiny but not 0 in float, silu(-80) is a tiny negative
        for (int i = 0; i < n; i++) {
            if (x[i] == -80f) {
                assertTrue(sigmoidOf(e, -80f) > 0f, where + "sigmoid(-80) > 0");
                assertTrue(siluOf(e, -80f) < 0f && siluOf(e, -80f) > -1e-30f, where + "silu(-80) ~ -0");
            }
        }
    }

    private static float sigmoidOf(Elementwise e, float v) {
        float[] out = new float[1];
        e.sigmoid(new float[] {v}, 0, out, 0, 1);
        return out[0];
    }

    private static float siluOf(Elementwise e, float v) {
        float[] out = new float[1];
        e.silu(new float[] {v}, 0, out, 0, 1);
        return out[0];
    }

    private static void assertFiniteWithin(float[] y, float lo, float hi, String what, float[] x) {
        for (int i = 0; i < y.length; i++) {
            assertTrue(Float.isFinite(y[i]) && y[i] >= lo && y[i] <= hi,
                    what + "(" + x[i] + ") = " + y[i] + ", expected finite in [" + lo + ", " + hi + "]");
        }
    }

    private static void assertLimits(float[] y, float[] x, float atPlus, float atMinus, String what) {
        for (int i = 0; i < y.length; i++) {
            float expected = x[i] > 0 ? atPlus : atMinus;
            assertEquals(expected, y[i], 0f, what + "(" + x[i] + ") at lane " + i);
        }
    }

    private static float[] rotate(float[] values, int shift) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[(i + shift) % values.length] = values[i];
        }
        return out;
    }

    /** Vector lanes and the scalar tail compute the same function bit for bit, so a value's result does not depend on where it sits. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("speciesAndCases")
    void resultDoesNotDependOnPosition(VectorSpecies<Float> species, Case c) {
        Elementwise simd = new SimdElementwise(species);
        SplittableRandom random = new SplittableRandom(42);
        int n = 4 * species.length();
        float[] a = c.a().fill(random, n);
        float[] b = c.b().fill(random, n);
        float[] together = new float[n];
        c.kernel().run(simd, a.clone(), 0, b.clone(), 0, together, 0, n);
        float[] one = new float[1];
        for (int i = 0; i < n; i++) {
            c.kernel().run(simd, a.clone(), i, b.clone(), i, one, 0, 1);
            assertEquals(Float.floatToIntBits(together[i]), Float.floatToIntBits(one[0]),
                    c.name() + "(" + a[i] + ", " + b[i] + "): vector lane " + together[i] + ", scalar tail " + one[0]);
        }
    }

    static Stream<Arguments> speciesAndLengths() {
        return species().flatMap(s -> IntStream.of(lengths()).mapToObj(n -> Arguments.of(s, n)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("species")
    void addBiasAndSumRowsIntoAreBitIdenticalOnAwkwardShapes(VectorSpecies<Float> species) {
        Elementwise simd = new SimdElementwise(species);
        SplittableRandom random = new SplittableRandom(7);
        for (int rows : new int[] {0, 1, 3, 17}) {
            for (int cols = 0; cols <= 70; cols++) {
                checkBiasKernels(simd, random, rows, cols);
            }
            checkBiasKernels(simd, random, rows, 1000);
        }
        checkBiasKernels(simd, random, 2, LARGE);
    }

    private static void checkBiasKernels(Elementwise simd, SplittableRandom random, int rows, int cols) {
        String shape = rows + "x" + cols;
        float[] x = padded(Inputs.WIDE.fill(random, rows * cols), 3);
        float[] bias = padded(Inputs.WIDE.fill(random, cols), 2);
        float[] expected = x.clone();
        float[] actual = x.clone();
        SCALAR.addBias(expected, 3, rows, cols, bias, 2);
        simd.addBias(actual, 3, rows, cols, bias, 2);
        Tolerance.EXACT.assertMatches(expected, actual, x, 3, x, 3, 0, expected.length, "addBias " + shape);

        float[] grad = padded(Inputs.WIDE.fill(random, cols), 5);
        float[] expectedGrad = grad.clone();
        float[] actualGrad = grad.clone();
        SCALAR.sumRowsInto(x, 3, rows, cols, expectedGrad, 5);
        simd.sumRowsInto(x, 3, rows, cols, actualGrad, 5);
        Tolerance.EXACT.assertMatches(expectedGrad, actualGrad, grad, 5, grad, 5, 0, grad.length, "sumRowsInto " + shape);
    }

    @ParameterizedTest
    @MethodSource("species")
    void adamStoresFirstMomentsWhoseStepWouldBeSubnormalAsZero(VectorSpecies<Float> species) {
        int n = 3 * species.length() + 5;
        float lr = 1e-3f;
        int step = 30;
        float stepSize = (float) (lr / (1 - Math.pow(0.9, step)));
        float floor = ScalarElementwise.adamFirstMomentFloor(stepSize);
        assertEquals(Float.MIN_NORMAL / stepSize, floor, 0f, "the floor for a step size inside [2^-20, 1]");
        for (Elementwise kernels : new Elementwise[]{SCALAR, new SimdElementwise(species)}) {
            float[] param = new float[n];
            float[] grad = new float[n];
            float[] m = new float[n];
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                param[i] = 0.25f;
                // With a zero gradient m becomes 0.9 m: half of them land just below the floor, half just above.
                m[i] = (i % 2 == 0 ? 0.99f : 1.01f) * floor / 0.9f * (i % 4 < 2 ? 1 : -1);
                v[i] = 1e-6f;
            }
            kernels.adamUpdate(param, grad, m, v, 0, n, lr, 0.9f, 0.999f, 1e-8f, 0f, false, step);
            for (int i = 0; i < n; i++) {
                String where = kernels.name() + " at " + i;
                if (i % 2 == 0) {
                    assertEquals(0f, m[i], where + ": its step would be subnormal");
                    assertEquals(0.25f, param[i], where);
                } else {
                    assertTrue(Math.abs(m[i]) >= floor, where + ": kept, got " + m[i]);
                }
                assertTrue(m[i] == 0 || Math.abs(m[i]) >= Float.MIN_NORMAL, where + ": subnormal m " + m[i]);
                assertEquals(0.999f * 1e-6f, v[i], 0f, where);
            }
        }
        assertEquals(Float.MIN_NORMAL, ScalarElementwise.adamFirstMomentFloor(3f), "step sizes above 1 count as 1");
        assertEquals(Float.MIN_NORMAL * 0x1p20f, ScalarElementwise.adamFirstMomentFloor(0f), "tiny ones as 2^-20");
    }

    @ParameterizedTest(name = "{0} n={1}")
    @MethodSource("speciesAndLengths")
    void reductionsWithinBoundOfScalar(VectorSpecies<Float> species, int n) {
        Elementwise simd = new SimdElementwise(species);
        SplittableRandom random = new SplittableRandom(n);
        float[] x = padded(Inputs.GRADIENT.fill(random, n), 3);
        float[] y = padded(Inputs.GRADIENT.fill(random, n), 6);
        double absSum = 0;
        double absDot = 0;
        double absSquares = 0;
        for (int i = 0; i < n; i++) {
            absSum += Math.abs(x[3 + i]);
            absDot += Math.abs((double) x[3 + i] * y[6 + i]);
            absSquares += (double) x[3 + i] * x[3 + i];
        }
        // |error| <= 3e-6 sum|terms| (SpeciesElementwise.sum), plus the final rounding to float
        assertWithin(SCALAR.sum(x, 3, n), simd.sum(x, 3, n), 3e-6 * absSum, "sum n=" + n);
        assertWithin(SCALAR.dot(x, 3, y, 6, n), simd.dot(x, 3, y, 6, n), 3e-6 * absDot, "dot n=" + n);
        assertWithin(SCALAR.sumOfSquares(x, 3, n), simd.sumOfSquares(x, 3, n), 3e-6 * absSquares, "sumOfSquares n=" + n);
        assertEquals(SCALAR.max(x, 3, n), simd.max(x, 3, n), 0f, "max n=" + n);

        // small integers: every partial sum is exact in float, so both must give the exact value
        float[] ints = padded(Inputs.SMALL_INTEGERS.fill(random, n), 1);
        float[] ints2 = padded(Inputs.SMALL_INTEGERS.fill(random, n), 1);
        assertEquals(SCALAR.sum(ints, 1, n), simd.sum(ints, 1, n), 0f, "integer sum n=" + n);
        assertEquals(SCALAR.dot(ints, 1, ints2, 1, n), simd.dot(ints, 1, ints2, 1, n), 0f, "integer dot n=" + n);
        assertEquals(SCALAR.sumOfSquares(ints, 1, n), simd.sumOfSquares(ints, 1, n), 0f, "integer squares n=" + n);
    }

    private static void assertWithin(float expected, float actual, double bound, String what) {
        double allowed = bound + Math.ulp(expected);
        assertTrue(Math.abs((double) actual - expected) <= allowed,
                what + ": scalar " + expected + ", simd " + actual + ", allowed difference " + allowed);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("species")
    void maxIsMinusInfinityWhenEmptyAndNanWhereverTheNanIs(VectorSpecies<Float> species) {
        Elementwise simd = new SimdElementwise(species);
        assertEquals(Float.NEGATIVE_INFINITY, simd.max(new float[3], 1, 0));
        int n = 3 * species.length() + 5;
        for (int at = 0; at < n; at++) {
            float[] x = new float[n];
            Arrays.fill(x, -1e30f);
            x[at] = Float.NaN;
            assertTrue(Float.isNaN(simd.max(x, 0, n)), "NaN at " + at);
            x[at] = 7f;
            assertEquals(7f, simd.max(x, 0, n), "max at " + at);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("species")
    void adamAndAdamWAreBitIdenticalOverSeveralSteps(VectorSpecies<Float> species) {
        Elementwise simd = new SimdElementwise(species);
        SplittableRandom random = new SplittableRandom(11);
        for (boolean decoupled : new boolean[] {false, true}) {
            for (float weightDecay : new float[] {0f, 0.01f}) {
                for (int n : new int[] {0, 1, 5, 31, 67, 1000, LARGE}) {
                    int off = 4;
                    float[] param = padded(Inputs.WIDE.fill(random, n), off);
                    float[] m = new float[param.length];
                    float[] v = new float[param.length];
                    float[][] expected = {param.clone(), m.clone(), v.clone()};
                    float[][] actual = {param.clone(), m.clone(), v.clone()};
                    for (int step = 1; step <= 5; step++) {
                        float[] grad = padded(Inputs.GRADIENT.fill(random, n), off);
                        SCALAR.adamUpdate(expected[0], grad, expected[1], expected[2], off, n,
                                1e-2f, 0.9f, 0.999f, 1e-8f, weightDecay, decoupled, step);
                        simd.adamUpdate(actual[0], grad, actual[1], actual[2], off, n,
                                1e-2f, 0.9f, 0.999f, 1e-8f, weightDecay, decoupled, step);
                    }
                    String what = (decoupled ? "AdamW" : "Adam") + " wd=" + weightDecay + " n=" + n;
                    for (int k = 0; k < 3; k++) {
                        Tolerance.EXACT.assertMatches(expected[k], actual[k], param, off, param, off, 0,
                                param.length, what + " " + List.of("param", "m", "v").get(k));
                    }
                }
            }
        }
    }

    /** ReLU keeps NaN (as PyTorch does) and gives +0 for -0, in vector lanes and in the scalar tail. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("species")
    void reluPropagatesNanAndZeroesNegativeZero(VectorSpecies<Float> species) {
        Elementwise simd = new SimdElementwise(species);
        float[] special = {Float.NaN, -0f, 0f, -1f, 1.5f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, -Float.MIN_VALUE};
        float[] expected = {Float.NaN, 0f, 0f, 0f, 1.5f, 0f, Float.POSITIVE_INFINITY, 0f};
        int n = 2 * species.length() + special.length;
        float[] x = new float[n];
        float[] want = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = special[i % special.length];
            want[i] = expected[i % special.length];
        }
        for (Elementwise e : List.of(SCALAR, simd)) {
            float[] y = new float[n];
            e.relu(x, 0, y, 0, n);
            ElementwiseChecks.assertBitIdentical(want, y, e.name() + " relu");
        }
    }
}
