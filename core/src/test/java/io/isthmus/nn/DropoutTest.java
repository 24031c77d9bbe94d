package io.isthmus.nn;

import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Dropout: inverted scaling in training, identity in eval, a resumable random stream. */
class DropoutTest {

    @Test
    void evalModeIsTheIdentityAndDrawsNothing() {
        Dropout dropout = new Dropout(0.5f, 1);
        dropout.eval();
        Tensor x = Tensor.of(new float[]{1, -2, 3, 4}, 2, 2);
        assertArrayEquals(x.data(), dropout.forward(x).data());
        assertArrayEquals(new long[]{1, 0}, dropout.randomState());
    }

    @Test
    void trainingZeroesAboutPAndScalesTheRestByOneOverOneMinusP() {
        Dropout dropout = new Dropout(0.3f, 2);
        int n = 20_000;
        Tensor y = dropout.forward(Tensor.ones(n));
        int zeros = 0;
        double sum = 0;
        for (float v : y.data()) {
            assertTrue(v == 0f || v == 1f / 0.7f, "value " + v);
            zeros += v == 0f ? 1 : 0;
            sum += v;
        }
        assertEquals(0.3, zeros / (double) n, 0.015);
        assertEquals(1.0, sum / n, 0.02, "inverted dropout keeps the mean");
    }

    @Test
    void gradientFlowsThroughTheKeptElementsOnly() {
        Dropout dropout = new Dropout(0.5f, 3);
        Tensor x = Tensor.ones(1000).requiresGrad(true);
        Tensor y = dropout.forward(x);
        y.sum().backward();
        assertArrayEquals(y.data(), x.grad(), "d(sum)/dx = mask = y / x");
    }

    @Test
    void zeroProbabilityIsTheIdentityInTraining() {
        Tensor x = Tensor.of(new float[]{1, 2, 3}, 3);
        assertArrayEquals(x.data(), new Dropout(0f, 4).forward(x).data());
    }

    @Test
    void masksDifferPerCallAndRepeatFromASavedState() {
        Dropout dropout = new Dropout(0.5f, 5);
        Tensor x = Tensor.ones(256);
        float[] first = dropout.forward(x).data();
        long[] saved = dropout.randomState();
        float[] second = dropout.forward(x).data();
        assertFalse(java.util.Arrays.equals(first, second), "each call draws a new mask");

        Dropout other = new Dropout(0.5f, 999);
        other.setRandomState(saved);
        assertArrayEquals(second, other.forward(x).data(), "seed and position restore the stream");
        assertArrayEquals(first, new Dropout(0.5f, 5).forward(x).data(), "same seed, same first mask");
    }

    /** Successive masks are independent: no call's mask is the previous one shifted by a few elements. */
    @Test
    void successiveMasksAreNotShiftedCopies() {
        Dropout dropout = new Dropout(0.5f, 11);
        Tensor x = Tensor.ones(512);
        float[] previous = dropout.forward(x).data();
        for (int call = 0; call < 5; call++) {
            float[] next = dropout.forward(x).data();
            for (int shift = -3; shift <= 3; shift++) {
                int same = 0;
                int n = 0;
                for (int i = Math.max(0, -shift); i < 512 && i + shift < 512; i++) {
                    n++;
                    if ((previous[i + shift] == 0f) == (next[i] == 0f)) {
                        same++;
                    }
                }
                // independent masks agree on about half the elements; a shifted copy on all
                assertTrue(same < 0.65 * n, "call " + call + " shift " + shift + ": " + same + " of " + n + " agree");
            }
            previous = next;
        }
    }

    @Test
    void rejectsBadProbabilitiesAndStates() {
        for (float p : new float[]{1f, -0.1f, Float.NaN}) {
            var e = assertThrows(IllegalArgumentException.class, () -> new Dropout(p));
            assertTrue(e.getMessage().contains("[0, 1)"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new Dropout(0.5f).setRandomState(new long[]{3}));
        assertThrows(IllegalArgumentException.class, () -> new Dropout(0.5f).setRandomState(new long[]{3, -1}));
    }
}
