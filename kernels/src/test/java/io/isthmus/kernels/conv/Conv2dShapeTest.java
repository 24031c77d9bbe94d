package io.isthmus.kernels.conv;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Output sizes, the checks with their messages, and the scalar twin on hand-computed values. */
class Conv2dShapeTest {

    @Test
    void outputSizesFollowPyTorchsFormula() {
        // floor((H + 2p - d (k - 1) - 1) / s) + 1
        Conv2dShape s = new Conv2dShape(2, 3, 32, 31, 8, 3, 5, 2, 3, 1, 2, 1, 2, 1);
        assertEquals(16, s.outHeight());
        assertEquals((31 + 4 - 2 * 4 - 1) / 3 + 1, s.outWidth());
        assertArrayEquals(new int[]{2, 8, 16, 9}, s.outputShape());
        assertArrayEquals(new int[]{8, 3, 3, 5}, s.weightShape());
        assertEquals(2L * 8 * 16 * 9 * 3 * 3 * 5, s.macs());
        assertTrue(Conv2dShape.of(1, 4, 5, 5, 8, 1, 1, 0, 1, 1).pointwise());
        assertFalse(Conv2dShape.of(1, 4, 5, 5, 8, 1, 2, 0, 1, 1).pointwise());
        assertTrue(Conv2dShape.of(1, 4, 5, 5, 8, 3, 1, 1, 1, 4).depthwise());
    }

    @Test
    void kernelLargerThanThePaddedInputIsRejectedNamingEverySize() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Conv2dShape.of(1, 3, 4, 9, 8, 3, 1, 0, 2, 1));
        assertEquals("conv2d: kernel height 3 with dilation 2 spans 5 pixels, larger than the input height 4 with "
                + "padding 0 on each side (4)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new Conv2dShape(1, 3, 9, 2, 8, 3, 5, 1, 1, 0, 1, 1, 1, 1));
        assertEquals("conv2d: kernel width 5 with dilation 1 spans 5 pixels, larger than the input width 2 with "
                + "padding 1 on each side (4)", e.getMessage());
    }

    @Test
    void channelsMustDivideIntoGroups() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Conv2dShape.of(1, 6, 5, 5, 8, 3, 1, 1, 1, 4));
        assertEquals("conv2d: in channels 6 are not divisible by groups 4", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Conv2dShape.of(1, 6, 5, 5, 8, 3, 1, 1, 1, 3));
        assertEquals("conv2d: out channels 8 are not divisible by groups 3", e.getMessage());
    }

    @Test
    void badSettingsAreRejected() {
        assertTrue(message(() -> Conv2dShape.of(1, 3, 5, 5, 8, 3, 0, 1, 1, 1)).contains("stride (0, 0)"));
        assertTrue(message(() -> Conv2dShape.of(1, 3, 5, 5, 8, 3, 1, -1, 1, 1)).contains("padding (-1, -1)"));
        assertTrue(message(() -> Conv2dShape.of(1, 3, 5, 5, 8, 3, 1, 1, 0, 1)).contains("dilation (0, 0)"));
        assertTrue(message(() -> Conv2dShape.of(1, 3, 5, 5, 8, 3, 1, 1, 1, 0)).contains("groups must be at least 1, got 0"));
        assertTrue(message(() -> Conv2dShape.of(1, 0, 5, 5, 8, 3, 1, 1, 1, 1)).contains("[1, 0, 5, 5]"));
        assertTrue(message(() -> Conv2dShape.of(1, 3, 5, 5, 8, 0, 1, 1, 1, 1)).contains("kernel 0x0"));
    }

    @Test
    void arraysOfTheWrongLengthAreRejected() {
        Conv2dShape s = Conv2dShape.of(2, 3, 5, 5, 4, 3, 1, 1, 1, 1);
        String m = message(() -> Conv2dKernel.fast().forward(s, new float[2 * 3 * 25], new float[4 * 27], null,
                new float[2 * 4 * 24]));
        assertEquals("conv2d: y holds 192 floats, but x [2, 3, 5, 5], weight [4, 3, 3, 3], stride (1, 1), padding (1, 1), "
                + "dilation (1, 1), groups 1 needs 200", m);
        m = message(() -> Conv2dKernel.scalar().backward(s, null, new float[4 * 27], new float[200], null,
                new float[4 * 27], null));
        assertTrue(m.startsWith("conv2d: x is null"), m);
    }

    private static String message(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    /**
     * x = 1..9 on a 3x3 plane, w = [[1, 0], [0, 1]]: each output is the sum of a 2x2 window's
     * diagonal; with padding 1 the corners see one pixel.
     */
    @Test
    void scalarTwinOnHandComputedValues() {
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        float[] w = {1, 0, 0, 1};
        Conv2dShape valid = Conv2dShape.of(1, 1, 3, 3, 1, 2, 1, 0, 1, 1);
        float[] y = new float[4];
        Conv2dKernel.scalar().forward(valid, x, w, new float[]{0.5f}, y);
        assertArrayEquals(new float[]{6.5f, 8.5f, 12.5f, 14.5f}, y);

        Conv2dShape padded = Conv2dShape.of(1, 1, 3, 3, 1, 2, 2, 1, 1, 1);
        float[] yp = new float[4];
        // kernel 2, stride 2, padding 1: output (i, j) adds pixels (2i - 1, 2j - 1) and (2i, 2j) where they exist
        Conv2dKernel.scalar().forward(padded, x, w, null, yp);
        assertArrayEquals(new float[]{1, 3, 7, 5 + 9}, yp);

        // backward of sum(y): dx counts how many windows' diagonals use each pixel; dW sums the windows' pixels
        float[] dx = new float[9];
        float[] dw = new float[4];
        float[] db = new float[1];
        Conv2dKernel.scalar().backward(valid, x, w, new float[]{1, 1, 1, 1}, dx, dw, db);
        assertArrayEquals(new float[]{1, 1, 0, 1, 2, 1, 0, 1, 1}, dx);
        assertArrayEquals(new float[]{1 + 2 + 4 + 5, 2 + 3 + 5 + 6, 4 + 5 + 7 + 8, 5 + 6 + 8 + 9}, dw);
        assertArrayEquals(new float[]{4}, db);
    }
}
