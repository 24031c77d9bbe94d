package io.isthmus.data;

import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MinMaxScaler and StandardScaler fitted on a training part; SlidingWindows one-step and multi-step. */
class ScalersAndWindowsTest {

    @Test
    void minMaxUsesTheTrainingRangeOnly() {
        double[] train = {4, 2, 6, 3};
        MinMaxScaler s = MinMaxScaler.fit(train);
        assertEquals(2, s.min());
        assertEquals(6, s.max());
        assertArrayEquals(new double[]{0.5, 0, 1, 0.25}, s.transform(train), 1e-12);
        // later values outside the training range are not clipped
        assertEquals(1.5, s.transform(8), 1e-12);
        assertEquals(-0.25, s.transform(1), 1e-12);
        assertArrayEquals(new double[]{8, 1, 5.5}, s.inverse(s.transform(new double[]{8, 1, 5.5})), 1e-12);

        MinMaxScaler sym = MinMaxScaler.fit(train, -1, 1);
        assertArrayEquals(new double[]{0, -1, 1, -0.5}, sym.transform(train), 1e-12);
        Tensor back = sym.inverse(Tensor.of(new float[]{-1, 0, 1, 0.5f, 2}, 5, 1));
        assertArrayEquals(new int[]{5, 1}, back.shape());
        assertArrayEquals(new float[]{2, 4, 6, 5, 8}, back.data(), 1e-6f);

        MinMaxScaler constant = MinMaxScaler.fit(new double[]{3, 3});
        assertEquals(0, constant.transform(3));
        assertEquals(3, constant.inverse(0));

        var e = assertThrows(IllegalArgumentException.class, () -> MinMaxScaler.fit(new double[]{1, Double.NaN}));
        assertTrue(e.getMessage().contains("value 1 of 2 is NaN"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MinMaxScaler.fit(new double[0]));
        e = assertThrows(IllegalArgumentException.class, () -> MinMaxScaler.fit(train, 1, 1));
        assertTrue(e.getMessage().contains("[1.0, 1.0]"), e.getMessage());
    }

    @Test
    void standardUsesTheTrainingMeanAndPopulationStd() {
        double[] train = {1.5, -2, 7, 0.25, 3, 3, 11};
        double mean = 0;
        for (double v : train) {
            mean += v;
        }
        mean /= train.length;
        double var = 0;
        for (double v : train) {
            var += (v - mean) * (v - mean);
        }
        double std = Math.sqrt(var / train.length);
        StandardScaler s = StandardScaler.fit(train);
        assertEquals(mean, s.mean(), 1e-12);
        assertEquals(std, s.std(), 1e-12);
        double[] z = s.transform(train);
        double zMean = 0;
        double zSquares = 0;
        for (double v : z) {
            zMean += v / z.length;
            zSquares += v * v / z.length;
        }
        assertEquals(0, zMean, 1e-12);
        assertEquals(1, zSquares, 1e-12);
        assertEquals((20 - mean) / std, s.transform(20), 1e-12);
        assertArrayEquals(train, s.inverse(z), 1e-12);
        assertEquals(1, StandardScaler.fit(new double[]{5, 5, 5}).std());
        assertThrows(IllegalArgumentException.class, () -> StandardScaler.fit(new double[]{Double.POSITIVE_INFINITY}));
    }

    private static double[] ramp(int n) {
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = 0.5 * i;
        }
        return s;
    }

    @Test
    void slidingWindowsOneStepAndMultiStep() {
        double[] series = ramp(17);
        SlidingWindows w = new SlidingWindows(series, 5, 3);
        assertEquals(10, w.size());
        assertEquals(List.of(Field.floats("inputs", 5, 1), Field.floats("targets", 3)), w.fields());
        Batch b = w.batch(0, 9, 4);
        assertArrayEquals(new int[]{3, 5, 1}, b.inputs().shape());
        assertArrayEquals(new int[]{3, 3}, b.tensor("targets").shape());
        int[] starts = {0, 9, 4};
        for (int r = 0; r < 3; r++) {
            for (int t = 0; t < 5; t++) {
                assertEquals(0.5f * (starts[r] + t), b.inputs().data()[r * 5 + t]);
            }
            for (int h = 0; h < 3; h++) {
                assertEquals(0.5f * (starts[r] + 5 + h), b.tensor("targets").data()[r * 3 + h]);
            }
        }
        assertEquals(14, w.targetStart(9));

        SlidingWindows oneStep = new SlidingWindows(series, 1, 1);
        assertEquals(16, oneStep.size());
        assertArrayEquals(new float[]{8f}, oneStep.batch(15).tensor("targets").data());
        assertEquals(1, new SlidingWindows(ramp(8), 7, 1).size());
    }

    @Test
    void testWindowsReachBackButPredictOnlyTheTail() {
        double[] series = ramp(17);
        SlidingWindows test = SlidingWindows.withTargetsFrom(series, 5, 3, 12);
        assertEquals(3, test.size());
        assertEquals(12, test.targetStart(0));
        assertEquals(14, test.targetStart(2));
        Batch b = test.batch(0, 2);
        assertArrayEquals(new float[]{3.5f, 4f, 4.5f, 5f, 5.5f, 4.5f, 5f, 5.5f, 6f, 6.5f}, b.inputs().data());
        assertArrayEquals(new float[]{6f, 6.5f, 7f, 7f, 7.5f, 8f}, b.tensor("targets").data());
        // one window whose target is the last value
        assertEquals(1, SlidingWindows.withTargetsFrom(series, 5, 1, 16).size());
    }

    @Test
    void windowRejections() {
        var e = assertThrows(IllegalArgumentException.class, () -> new SlidingWindows(ramp(7), 5, 3));
        assertTrue(e.getMessage().contains("7 values") && e.getMessage().contains("needs at least 8"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SlidingWindows(ramp(7), 0, 1));
        assertTrue(e.getMessage().contains("lookback 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SlidingWindows(ramp(7), 2, 0));
        assertTrue(e.getMessage().contains("horizon 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SlidingWindows.withTargetsFrom(ramp(17), 5, 1, 4));
        assertTrue(e.getMessage().contains("first target position 4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SlidingWindows.withTargetsFrom(ramp(17), 5, 3, 15));
        assertTrue(e.getMessage().contains("needs at least 18"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SlidingWindows(new double[]{1, Double.NaN, 2}, 1, 1));
        assertTrue(e.getMessage().contains("value 1 is NaN"), e.getMessage());
        SlidingWindows w = new SlidingWindows(ramp(9), 2, 2);
        assertThrows(IndexOutOfBoundsException.class, () -> w.batch(6));
        assertThrows(IndexOutOfBoundsException.class, () -> w.targetStart(6));
    }
}
