package io.isthmus.kernels.conv;

import io.isthmus.kernels.Backend;
import io.isthmus.kernels.Kernels;
import io.isthmus.kernels.Threads;
import io.isthmus.kernels.simd.SimdElementwise;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The fast kernels (im2col + GEMM, the 1x1 path, the depthwise loops, the batch split) against
 * the scalar twin on awkward shapes: forward, and every subset of the three gradients.
 */
class FastConv2dTest {

    private final int threadsBefore = Threads.count();

    @AfterEach
    void restoreThreads() {
        Threads.set(threadsBefore);
    }

    /** batch, in, H, W, out, KH, KW, strideH, strideW, padH, padW, dilationH, dilationW, groups. */
    static Stream<Conv2dShape> shapes() {
        return Stream.of(
                shape(1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1),       // everything 1
                shape(1, 3, 7, 9, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1),       // 3x3 "same": the shifted-plane path
                shape(2, 3, 7, 5, 4, 3, 3, 2, 2, 0, 0, 1, 1, 1),       // stride 2, no padding
                shape(2, 3, 8, 8, 4, 3, 3, 2, 2, 1, 1, 1, 1, 1),       // 3x3 s2 p1 on an even size
                shape(3, 1, 9, 11, 2, 3, 3, 1, 1, 2, 2, 1, 1, 1),      // padding 2: output wider than the input
                shape(2, 3, 17, 13, 6, 3, 3, 1, 1, 2, 2, 2, 2, 1),     // dilation 2 with "same" padding 2
                shape(2, 4, 9, 7, 3, 3, 3, 2, 2, 2, 2, 2, 2, 1),       // stride 2, padding 2, dilation 2
                shape(1, 2, 12, 12, 4, 5, 5, 1, 1, 0, 0, 1, 1, 1),     // 5x5 valid
                shape(2, 7, 5, 3, 3, 1, 1, 1, 1, 0, 0, 1, 1, 1),       // 1x1: GEMM on the input
                shape(2, 7, 5, 3, 3, 1, 1, 2, 2, 0, 0, 1, 1, 1),       // 1x1 stride 2: through im2col
                shape(1, 3, 5, 3, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1),       // 1x1 with padding
                shape(2, 3, 7, 9, 3, 3, 3, 1, 1, 1, 1, 1, 1, 3),       // depthwise
                shape(2, 3, 7, 9, 6, 3, 3, 2, 2, 2, 2, 1, 1, 3),       // depthwise, 2 outputs per channel, s2 p2
                shape(1, 5, 11, 8, 5, 3, 3, 1, 1, 2, 2, 2, 2, 5),      // depthwise, dilation 2
                shape(3, 1, 7, 7, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1),       // C = 1 = groups: the GEMM path
                shape(2, 4, 7, 9, 6, 3, 3, 1, 1, 1, 1, 1, 1, 2),       // groups 2
                shape(2, 6, 5, 5, 4, 1, 1, 1, 1, 0, 0, 1, 1, 2),       // groups 2, 1x1
                shape(2, 6, 9, 7, 9, 3, 3, 2, 1, 0, 1, 1, 2, 3),       // groups 3, mixed strides and dilations
                shape(2, 3, 6, 9, 4, 2, 3, 2, 1, 0, 1, 1, 2, 1),       // rectangular kernel
                shape(1, 2, 3, 4, 3, 5, 6, 1, 1, 1, 1, 1, 1, 1),       // kernel = padded input: one output pixel
                shape(2, 2, 1, 1, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1),       // 1x1 image, padding as wide as the image
                shape(1, 2, 2, 2, 2, 5, 5, 1, 1, 2, 2, 1, 1, 2),       // padding > image (depthwise)
                shape(1, 16, 64, 64, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1),    // several column blocks per sample
                shape(1, 16, 40, 48, 4, 3, 3, 2, 2, 1, 1, 1, 1, 1),    // general path, stride 2 (its 20 rows fit one block)
                shape(4, 16, 16, 16, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1),   // big enough to split the batch
                shape(4, 16, 16, 16, 32, 1, 1, 1, 1, 0, 0, 1, 1, 1),   // 1x1, split
                shape(5, 64, 20, 20, 64, 3, 3, 1, 1, 1, 1, 1, 1, 64),  // depthwise, split
                shape(2, 1, 7, 9, 16, 1, 3, 1, 1, 0, 1, 1, 1, 1),      // patch shorter than the outputs: dW, not dW^T
                shape(2, 3, 5, 5, 8, 1, 1, 1, 1, 0, 0, 1, 1, 1),       // the same for 1x1
                shape(6, 3, 32, 32, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1),    // conv1-like (patch 27 < 32 outputs), split
                shape(1, 64, 40, 40, 4, 3, 3, 1, 1, 0, 0, 1, 1, 1),    // "valid" 3x3 in four column blocks
                shape(1, 64, 41, 40, 4, 3, 3, 2, 1, 1, 0, 1, 1, 1),    // stride 2 down, 1 across, rows padded, two blocks
                shape(2, 3, 9, 11, 4, 3, 3, 2, 1, 1, 0, 1, 1, 1),      // the same in one block: first valid row > 0
                shape(2, 3, 13, 10, 4, 3, 3, 1, 1, 2, 0, 2, 1, 1),     // dilation 2 down, padding 2 down only
                shape(0, 3, 5, 5, 2, 3, 3, 1, 1, 1, 1, 1, 1, 1));      // empty batch
    }

    private static Conv2dShape shape(int n, int c, int h, int w, int o, int kh, int kw, int sh, int sw, int ph, int pw,
                                     int dh, int dw, int groups) {
        return new Conv2dShape(n, c, h, w, o, kh, kw, sh, sw, ph, pw, dh, dw, groups);
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void fastMatchesTheScalarTwinOnOneThread(Conv2dShape s) {
        Threads.set(1);
        compare(Conv2dKernel.fast(), s);
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void fastMatchesTheScalarTwinOnTwoThreads(Conv2dShape s) {
        Threads.set(2);
        compare(Conv2dKernel.fast(), s);
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void fastMatchesTheScalarTwinOnTheReferenceGemm(Conv2dShape s) {
        Threads.set(2);
        compare(new FastConv2d(Kernels.gemm(Backend.REFERENCE), Kernels.elementwise()), s);
    }

    /** Every vector width's copyRows/addRows under im2col and col2im (the selected kernels run scalar while cold). */
    static Stream<Arguments> shapesAndSpecies() {
        return shapes().flatMap(s -> Stream.of(FloatVector.SPECIES_128, FloatVector.SPECIES_256, FloatVector.SPECIES_512)
                .map(species -> Arguments.of(s, species)));
    }

    @ParameterizedTest
    @MethodSource("shapesAndSpecies")
    void fastMatchesTheScalarTwinWithEveryVectorWidthsRowKernels(Conv2dShape s, VectorSpecies<Float> species) {
        Threads.set(1);
        compare(new FastConv2d(Conv2dKernel.convGemm(), new SimdElementwise(species)), s);
    }

    @Test
    void largeBatchesSplitAndSmallOnesDoNot() {
        Threads.set(2);
        assertEquals(2, FastConv2d.chunks(shape(4, 16, 16, 16, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1)));
        assertEquals(1, FastConv2d.chunks(shape(1, 16, 64, 64, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1)), "N < threads");
        assertEquals(1, FastConv2d.chunks(shape(8, 3, 8, 8, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1)), "too little work");
        Threads.set(1);
        assertEquals(1, FastConv2d.chunks(shape(64, 32, 16, 16, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1)));
    }

    @Test
    void theWeightGradientIsTransposedWhenThePatchIsTheLongerSide() {
        assertTrue(FastConv2d.transposeWeightGradient(shape(64, 32, 16, 16, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1)), "288 > 64");
        assertTrue(!FastConv2d.transposeWeightGradient(shape(64, 3, 32, 32, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1)), "27 < 32");
    }

    @Test
    void columnBlocksAreWholeOutputRowsWithinTheBudget() {
        Conv2dShape s = shape(1, 16, 64, 64, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        int rows = Im2col.rowsPerBlock(s, FastConv2d.COLUMN_BUDGET);
        assertTrue(rows > 1 && rows < 64, "rows " + rows);
        assertTrue((long) rows * 16 * 9 * 64 <= FastConv2d.COLUMN_BUDGET);
        assertEquals(1, Im2col.rowsPerBlock(shape(1, 512, 8, 600, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1), FastConv2d.COLUMN_BUDGET),
                "at least one row even when a row exceeds the budget");
    }

    /** Outputs start as NaN, so an element a kernel forgets to write fails the comparison. */
    private static void compare(Conv2dKernel fast, Conv2dShape s) {
        SplittableRandom random = new SplittableRandom(s.hashCode());
        float[] x = uniform(random, s.inputSize());
        float[] w = uniform(random, s.weightSize());
        float[] b = uniform(random, s.outChannels());
        float[] dy = uniform(random, s.outputSize());
        Conv2dKernel scalar = Conv2dKernel.scalar();

        for (boolean withBias : new boolean[]{true, false}) {
            float[] expected = nan(s.outputSize());
            float[] actual = nan(s.outputSize());
            scalar.forward(s, x, w, withBias ? b : null, expected);
            fast.forward(s, x, w, withBias ? b : null, actual);
            assertClose(s.describe() + (withBias ? " y" : " y without bias"), expected, actual);
        }

        float[] dxExpected = nan(s.inputSize());
        float[] dwExpected = nan(s.weightSize());
        float[] dbExpected = nan(s.outChannels());
        scalar.backward(s, x, w, dy, dxExpected, dwExpected, dbExpected);
        // every subset of the gradients: each path must not depend on another being computed
        for (int mask = 1; mask < 8; mask++) {
            float[] dx = (mask & 1) != 0 ? nan(s.inputSize()) : null;
            float[] dw = (mask & 2) != 0 ? nan(s.weightSize()) : null;
            float[] db = (mask & 4) != 0 ? nan(s.outChannels()) : null;
            // x is only needed for dWeight, the weight only for dx
            fast.backward(s, dw == null ? null : x, dx == null ? null : w, dy, dx, dw, db);
            String what = s.describe() + " gradients " + mask;
            if (dx != null) {
                assertClose(what + " dx", dxExpected, dx);
            }
            if (dw != null) {
                assertClose(what + " dWeight", dwExpected, dw);
            }
            if (db != null) {
                assertClose(what + " dBias", dbExpected, db);
            }
        }
        assertTrue(Arrays.equals(x, uniformAgain(s)), "x is not modified");
    }

    private static float[] uniformAgain(Conv2dShape s) {
        return uniform(new SplittableRandom(s.hashCode()), s.inputSize());
    }

    private static float[] uniform(SplittableRandom random, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return values;
    }

    private static float[] nan(int n) {
        float[] values = new float[n];
        Arrays.fill(values, Float.NaN);
        return values;
    }

    /** |actual - expected| <= 1e-4 |expected| + 1e-5 max(1, max |expected|): sums in another order. */
    static void assertClose(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + " length");
        double scale = 1;
        for (float e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            double diff = Math.abs((double) actual[i] - expected[i]);
            if (!(diff <= 1e-4 * Math.abs(expected[i]) + 1e-5 * scale)) {
                fail(what + ": element " + i + " of " + expected.length + " is " + actual[i] + ", expected "
                        + expected[i] + " (|diff| " + diff + ")");
            }
        }
    }
}
