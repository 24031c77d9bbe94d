package io.isthmus.kernels.pool;

import io.isthmus.kernels.Threads;
import io.isthmus.kernels.simd.VectorKernels;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** FastPool against the ScalarPool oracle on awkward shapes, hand-computed cases, and the validation. */
class PoolKernelTest {

    private static final PoolKernel SCALAR = new ScalarPool();
    private static final PoolKernel FAST = new FastPool();
    /** The plain-loop kernel and the one in use (the Vector API one where that module is present). */
    /** The fast kernels: the plain one, the selected one, and the vector ones of every width (each its own hidden copy). */
    private static final List<PoolKernel> FASTS = List.of(FAST, PoolKernel.selected(),
            VectorKernels.pool(FloatVector.SPECIES_128), VectorKernels.pool(FloatVector.SPECIES_256),
            VectorKernels.pool(FloatVector.SPECIES_512));
    private static final List<PoolKernel> ALL = List.of(SCALAR, FAST, PoolKernel.selected());
    private final int threadsBefore = Threads.count();

    @AfterEach
    void restoreThreads() {
        Threads.set(threadsBefore);
    }

    /** Every valid geometry over N in {1, 2}, C in {1, 3}, odd and even H, W, kernels 1-3, strides 1-3, padding up to k/2, dilation 1-2. */
    private static List<PoolShape> shapes(boolean dilated) {
        List<PoolShape> out = new ArrayList<>();
        for (int[] nc : new int[][]{{1, 1}, {1, 3}, {2, 3}}) {
            for (int[] hw : new int[][]{{1, 1}, {1, 7}, {5, 5}, {7, 8}, {9, 4}}) {
                for (int kh = 1; kh <= 3; kh++) {
                    for (int kw : new int[]{1, 2, 3}) {
                        for (int s : new int[]{1, 2, 3}) {
                            for (int p = 0; p <= 1; p++) {
                                for (int d = 1; d <= (dilated ? 2 : 1); d++) {
                                    try {
                                        out.add(PoolShape.of(nc[0], nc[1], hw[0], hw[1], kh, kw, s, kw == 2 ? 1 : s,
                                                Math.min(p, kh / 2), Math.min(p, kw / 2), d, d));
                                    } catch (IllegalArgumentException tooBig) {
                                        // kernel larger than the padded input: checked separately
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    private static float[] random(SplittableRandom random, int n, boolean ties) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = ties ? random.nextInt(5) - 2 : (float) (random.nextDouble() * 8 - 4);
        }
        return v;
    }

    @Test
    void maxPoolFastGivesTheScalarBitsAndIndices() {
        SplittableRandom random = new SplittableRandom(1);
        List<PoolShape> shapes = shapes(true);
        assertTrue(shapes.size() > 200, "shapes: " + shapes.size());
        for (PoolShape g : shapes) {
            for (int data = 0; data < 3; data++) {
                float[] x = random(random, g.inSize(), data == 1);
                if (data == 2) { // a few NaNs: the scan keeps the last NaN of a window
                    for (int i = 0; i < x.length; i += 3) {
                        x[i] = Float.NaN;
                    }
                }
                float[] dy = random(random, g.outSize(), false);
                for (PoolKernel fast : FASTS) {
                    float[] ys = new float[g.outSize() + 3];
                    float[] yf = new float[g.outSize() + 3];
                    int[] as = new int[g.outSize() + 3];
                    int[] af = new int[g.outSize() + 3];
                    SCALAR.maxForward(g, x, 0, ys, 3, as, 3);
                    fast.maxForward(g, x, 0, yf, 3, af, 3);
                    assertArrayEquals(ys, yf, fast.name() + " " + g + " max forward");
                    assertArrayEquals(as, af, fast.name() + " " + g + " argmax");
                    float[] dxs = new float[g.inSize() + 2];
                    float[] dxf = new float[g.inSize() + 2];
                    Arrays.fill(dxf, Float.NaN); // backward must write all of dx
                    dxf[0] = dxf[1] = 0f;
                    SCALAR.maxBackward(g, dy, 0, as, 3, dxs, 2);
                    fast.maxBackward(g, dy, 0, af, 3, dxf, 2);
                    assertArrayEquals(dxs, dxf, fast.name() + " " + g + " max backward");
                }
            }
        }
    }

    @Test
    void avgPoolFastGivesTheScalarBits() {
        SplittableRandom random = new SplittableRandom(2);
        for (PoolShape g : shapes(false)) {
            for (boolean includePad : new boolean[]{true, false}) {
                float[] x = random(random, g.inSize(), false);
                float[] dy = random(random, g.outSize(), false);
                float[] ys = new float[g.outSize()];
                float[] yf = new float[g.outSize()];
                SCALAR.avgForward(g, includePad, x, 0, ys, 0);
                FAST.avgForward(g, includePad, x, 0, yf, 0);
                assertArrayEquals(ys, yf, g + " avg forward, count_include_pad " + includePad);
                float[] dxs = new float[g.inSize()];
                float[] dxf = new float[g.inSize()];
                Arrays.fill(dxf, Float.NaN);
                SCALAR.avgBackward(g, includePad, dy, 0, dxs, 0);
                FAST.avgBackward(g, includePad, dy, 0, dxf, 0);
                assertArrayEquals(dxs, dxf, g + " avg backward, count_include_pad " + includePad);
            }
        }
    }

    @Test
    void threadedPlanesGiveTheSameBits() {
        Threads.set(2);
        SplittableRandom random = new SplittableRandom(3);
        PoolShape g = PoolShape.of(8, 17, 33, 31, 3, 3, 2, 2, 1, 1, 1, 1);
        assertTrue((long) g.outSize() * 9 >= FastPool.SPLIT_WORK, "big enough to split");
        float[] x = random(random, g.inSize(), false);
        float[] dy = random(random, g.outSize(), false);
        float[] ys = new float[g.outSize()];
        float[] yf = new float[g.outSize()];
        int[] as = new int[g.outSize()];
        int[] af = new int[g.outSize()];
        SCALAR.maxForward(g, x, 0, ys, 0, as, 0);
        FAST.maxForward(g, x, 0, yf, 0, af, 0);
        assertArrayEquals(ys, yf);
        assertArrayEquals(as, af);
        PoolShape unpadded = PoolShape.of(8, 17, 33, 31, 2, 2, 2, 2, 0, 0, 1, 1);
        float[] yu = new float[unpadded.outSize()];
        int[] au = new int[unpadded.outSize()];
        float[] yv = new float[unpadded.outSize()];
        int[] av = new int[unpadded.outSize()];
        SCALAR.maxForward(unpadded, x, 0, yu, 0, au, 0);
        PoolKernel.selected().maxForward(unpadded, x, 0, yv, 0, av, 0);
        assertArrayEquals(yu, yv, PoolKernel.selected().name());
        assertArrayEquals(au, av, PoolKernel.selected().name());
        float[] dxs = new float[g.inSize()];
        float[] dxf = new float[g.inSize()];
        SCALAR.maxBackward(g, dy, 0, as, 0, dxs, 0);
        FAST.maxBackward(g, dy, 0, af, 0, dxf, 0);
        assertArrayEquals(dxs, dxf);
        SCALAR.avgForward(g, true, x, 0, ys, 0);
        FAST.avgForward(g, true, x, 0, yf, 0);
        assertArrayEquals(ys, yf);
        SCALAR.avgBackward(g, true, dy, 0, dxs, 0);
        FAST.avgBackward(g, true, dy, 0, dxf, 0);
        assertArrayEquals(dxs, dxf);
    }

    @Test
    void maxPoolByHand() {
        // one 4x4 plane, 2x2 windows, stride 2: the maxima and where they are
        float[] x = {
                1, 5, 2, 0,
                3, 4, 8, 8,
                -1, -2, 0, 0,
                -3, -4, 0, 7};
        PoolShape g = PoolShape.of(1, 1, 4, 4, 2, 2, 2, 2, 0, 0, 1, 1);
        for (PoolKernel k : ALL) {
            float[] y = new float[4];
            int[] at = new int[4];
            k.maxForward(g, x, 0, y, 0, at, 0);
            assertArrayEquals(new float[]{5, 8, -1, 7}, y, k.name());
            assertArrayEquals(new int[]{1, 6, 8, 15}, at, k.name() + ": the first of equal maxima (8 at 6 and 7) wins");
            float[] dx = new float[16];
            k.maxBackward(g, new float[]{1, 2, 3, 4}, 0, at, 0, dx, 0);
            float[] expected = new float[16];
            expected[1] = 1;
            expected[6] = 2;
            expected[8] = 3;
            expected[15] = 4;
            assertArrayEquals(expected, dx, k.name());
        }
    }

    @Test
    void paddedMaxPoolSeesMinusInfinityAndNaNWins() {
        // 3x3 windows, stride 2, padding 1 over a 3x3 plane of negatives: padding never wins
        float[] x = {-1, -2, -3, -4, -5, -6, -7, -8, -9};
        PoolShape g = PoolShape.of(1, 1, 3, 3, 3, 3, 2, 2, 1, 1, 1, 1);
        assertEquals(2, g.outH());
        for (PoolKernel k : ALL) {
            float[] y = new float[4];
            int[] at = new int[4];
            k.maxForward(g, x, 0, y, 0, at, 0);
            assertArrayEquals(new float[]{-1, -2, -4, -5}, y, k.name());
            assertArrayEquals(new int[]{0, 1, 3, 4}, at, k.name());
            float[] withNaN = x.clone();
            withNaN[4] = Float.NaN;
            k.maxForward(g, withNaN, 0, y, 0, at, 0);
            assertArrayEquals(new float[]{Float.NaN, Float.NaN, Float.NaN, Float.NaN}, y, k.name() + ": NaN propagates");
            assertArrayEquals(new int[]{4, 4, 4, 4}, at, k.name());
        }
    }

    @Test
    void dilatedWindowThatMissesTheInputGivesMinusInfinityAndNoGradient() {
        // H = W = 2, kernel 2, dilation 3, padding 1: taps at -1 and 2, both outside
        PoolShape g = PoolShape.of(1, 1, 2, 2, 2, 2, 1, 1, 1, 1, 3, 3);
        assertEquals(1, g.outH());
        for (PoolKernel k : ALL) {
            float[] y = new float[1];
            int[] at = new int[1];
            k.maxForward(g, new float[]{1, 2, 3, 4}, 0, y, 0, at, 0);
            assertEquals(Float.NEGATIVE_INFINITY, y[0], k.name());
            assertEquals(-1, at[0], k.name());
            float[] dx = {9, 9, 9, 9};
            k.maxBackward(g, new float[]{5}, 0, at, 0, dx, 0);
            assertArrayEquals(new float[4], dx, k.name());
        }
    }

    @Test
    void avgPoolByHandWithAndWithoutPadding() {
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        // 2x2 windows, stride 1, padding 1 over 3x3: output 4x4; corner window holds only x[0]
        PoolShape g = PoolShape.of(1, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1);
        assertEquals(4, g.outH());
        for (PoolKernel k : ALL) {
            float[] y = new float[16];
            k.avgForward(g, true, x, 0, y, 0);
            assertEquals(1 / 4f, y[0], k.name() + ": padding counts as zeros");
            assertEquals((1 + 2 + 4 + 5) / 4f, y[5], k.name());
            k.avgForward(g, false, x, 0, y, 0);
            assertEquals(1f, y[0], k.name() + ": only the input elements count");
            assertEquals((2 + 3) / 2f, y[2], k.name());
            float[] dx = new float[9];
            float[] ones = new float[16];
            Arrays.fill(ones, 1f);
            k.avgBackward(g, true, ones, 0, dx, 0);
            // every element is in 4 windows, each giving 1/4
            for (float v : dx) {
                assertEquals(1f, v, 0f, k.name());
            }
        }
    }

    @Test
    void globalAverageIsThePlaneMean() {
        SplittableRandom random = new SplittableRandom(4);
        for (int[] ps : new int[][]{{1, 1}, {3, 7}, {6, 33}, {128, 300}}) {
            int planes = ps[0];
            int size = ps[1];
            float[] x = random(random, planes * size, false);
            float[] ys = new float[planes];
            float[] yf = new float[planes];
            SCALAR.globalAvgForward(planes, size, x, 0, ys, 0);
            FAST.globalAvgForward(planes, size, x, 0, yf, 0);
            for (int p = 0; p < planes; p++) {
                double sum = 0;
                for (int i = 0; i < size; i++) {
                    sum += x[p * size + i];
                }
                assertEquals(sum / size, ys[p], 1e-6, "scalar plane " + p);
                assertEquals(ys[p], yf[p], Math.ulp(ys[p]), "fast plane " + p);
            }
            float[] dy = random(random, planes, false);
            float[] dxs = new float[planes * size];
            float[] dxf = new float[planes * size];
            SCALAR.globalAvgBackward(planes, size, dy, 0, dxs, 0);
            FAST.globalAvgBackward(planes, size, dy, 0, dxf, 0);
            assertArrayEquals(dxs, dxf);
            assertEquals(dy[planes - 1] / size, dxf[planes * size - 1]);
        }
    }

    @Test
    void geometryMatchesPyTorchAndRejectsBadSettings() {
        PoolShape g = PoolShape.of(2, 3, 8, 8, 3, 3, 2, 2, 1, 1, 1, 1);
        assertEquals(4, g.outH());
        assertEquals(4, g.outW());
        assertEquals(3, PoolShape.of(1, 1, 7, 7, 2, 2, 2, 2, 0, 0, 1, 1).outH(), "floor mode drops the last row");
        IllegalArgumentException tooBig = assertThrows(IllegalArgumentException.class,
                () -> PoolShape.of(1, 1, 2, 5, 5, 3, 1, 1, 1, 1, 1, 1));
        assertTrue(tooBig.getMessage().contains("larger than the padded input 4x7"), tooBig.getMessage());
        IllegalArgumentException pad = assertThrows(IllegalArgumentException.class,
                () -> PoolShape.of(1, 1, 8, 8, 3, 3, 1, 1, 2, 1, 1, 1));
        assertTrue(pad.getMessage().contains("at most half the kernel") && pad.getMessage().contains("2x1"), pad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PoolShape.of(1, 1, 8, 8, 0, 2, 1, 1, 0, 0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> PoolShape.of(1, 1, 8, 8, 2, 2, 0, 1, 0, 0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> PoolShape.of(1, 1, 8, 8, 2, 2, 1, 1, 0, 0, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> PoolShape.of(1, 1, 0, 8, 2, 2, 1, 1, 0, 0, 1, 1));
        IllegalArgumentException dilated = assertThrows(IllegalArgumentException.class,
                () -> FAST.avgForward(PoolShape.of(1, 1, 8, 8, 2, 2, 1, 1, 0, 0, 2, 2), true, new float[64], 0, new float[36], 0));
        assertTrue(dilated.getMessage().contains("dilation"), dilated.getMessage());
    }

    @Test
    void adaptiveAverageMatchesGlobalAndEvenWindows() {
        SplittableRandom random = new SplittableRandom(6);
        // output 1x1 is the global average
        float[] x = random(random, 3 * 7 * 5, false);
        float[] adaptive = new float[3];
        float[] global = new float[3];
        AdaptiveAvgPool.forward(3, 7, 5, 1, 1, x, 0, adaptive, 0);
        SCALAR.globalAvgForward(3, 35, x, 0, global, 0);
        assertArrayEquals(global, adaptive);
        // 8x6 -> 4x3: windows 2x2 with stride 2, as avg_pool2d(2)
        float[] x2 = random(random, 2 * 8 * 6, false);
        float[] a2 = new float[2 * 12];
        float[] p2 = new float[2 * 12];
        AdaptiveAvgPool.forward(2, 8, 6, 4, 3, x2, 0, a2, 0);
        SCALAR.avgForward(PoolShape.of(1, 2, 8, 6, 2, 2, 2, 2, 0, 0, 1, 1), true, x2, 0, p2, 0);
        for (int i = 0; i < a2.length; i++) {
            assertEquals(p2[i], a2[i], 1e-6, "window " + i);
        }
        float[] dy = random(random, 24, false);
        float[] dxA = new float[96];
        float[] dxP = new float[96];
        AdaptiveAvgPool.backward(2, 8, 6, 4, 3, dy, 0, dxA, 0);
        SCALAR.avgBackward(PoolShape.of(1, 2, 8, 6, 2, 2, 2, 2, 0, 0, 1, 1), true, dy, 0, dxP, 0);
        assertArrayEquals(dxP, dxA);
        // 5 -> 3: overlapping windows [0, 2), [1, 4), [3, 5)
        assertEquals(0, AdaptiveAvgPool.start(0, 5, 3));
        assertEquals(2, AdaptiveAvgPool.end(0, 5, 3));
        assertEquals(1, AdaptiveAvgPool.start(1, 5, 3));
        assertEquals(4, AdaptiveAvgPool.end(1, 5, 3));
        assertEquals(3, AdaptiveAvgPool.start(2, 5, 3));
        assertEquals(5, AdaptiveAvgPool.end(2, 5, 3));
    }
}
