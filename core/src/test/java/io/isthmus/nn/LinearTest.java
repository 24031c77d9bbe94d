package io.isthmus.nn;

import io.isthmus.tensor.Seeds;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Linear: PyTorch's layout and default initialization, and its forward. */
class LinearTest {

    /**
     * PyTorch's default (kaiming_uniform with a = sqrt 5) is U(-1/sqrt(in), 1/sqrt(in)) for the
     * weight and the bias: for in = 400 the bound is 0.05, the variance bound^2 / 3.
     */
    @Test
    void initializationIsUniformWithinOneOverSqrtIn() {
        Linear layer = new Linear(400, 300, true, new SplittableRandom(1));
        assertArrayEquals(new int[]{300, 400}, layer.weight().shape());
        assertArrayEquals(new int[]{300}, layer.bias().shape());
        float bound = 0.05f;
        double sum = 0;
        double sumSquares = 0;
        float max = 0;
        for (float w : layer.weight().data()) {
            assertTrue(Math.abs(w) <= bound, "weight " + w);
            sum += w;
            sumSquares += (double) w * w;
            max = Math.max(max, Math.abs(w));
        }
        int n = 300 * 400;
        assertEquals(0, sum / n, 5e-4, "mean");
        assertEquals(bound * bound / 3, sumSquares / n, bound * bound / 3 * 0.02, "variance of U(-b, b)");
        assertTrue(max > 0.0499f, "the range is used up to the bound: " + max);
        for (float b : layer.bias().data()) {
            assertTrue(Math.abs(b) <= bound, "bias " + b);
        }
        assertTrue(Arrays.stream(boxed(layer.bias().data())).distinct().count() > 290, "bias values are not all equal");
    }

    private static Float[] boxed(float[] values) {
        Float[] out = new Float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    @Test
    void seedsMakeInitializationRepeatable() {
        Seeds.set(11);
        float[] a = new Linear(8, 4).weight().data();
        Seeds.set(11);
        float[] b = new Linear(8, 4).weight().data();
        Seeds.set(12);
        float[] c = new Linear(8, 4).weight().data();
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
        // Successive layers under one seed differ from each other.
        Seeds.set(11);
        Linear first = new Linear(8, 4);
        Linear second = new Linear(8, 4);
        assertFalse(Arrays.equals(first.weight().data(), second.weight().data()));
    }

    @Test
    void forwardIsXTimesWTransposedPlusBiasOnAnyLeadingShape() {
        Linear layer = new Linear(3, 2, true, new SplittableRandom(1));
        System.arraycopy(new float[]{1, 2, 3, -1, 0, 1}, 0, layer.weight().data(), 0, 6);
        System.arraycopy(new float[]{0.5f, -0.5f}, 0, layer.bias().data(), 0, 2);
        Tensor x = Tensor.of(new float[]{1, 1, 1, 2, 0, -1, 0, 0, 0, 1, 2, 3}, 2, 2, 3);
        Tensor y = layer.forward(x);
        assertArrayEquals(new int[]{2, 2, 2}, y.shape());
        assertArrayEquals(new float[]{6.5f, -0.5f, -0.5f, -3.5f, 0.5f, -0.5f, 14.5f, 1.5f}, y.data(), 1e-6f);
    }

    @Test
    void withoutBiasTheStateDictHasOnlyTheWeight() {
        Linear layer = new Linear(3, 2, false, new SplittableRandom(1));
        assertEquals(List.of("weight"), List.copyOf(layer.stateDict().keySet()));
        assertEquals(6, layer.parameterCount());
        assertEquals(null, layer.bias());
    }

    @Test
    void wrongInputWidthNamesBothShapes() {
        Linear layer = new Linear(3, 2);
        var e = assertThrows(IllegalArgumentException.class, () -> layer.forward(Tensor.zeros(4, 5)));
        assertTrue(e.getMessage().contains("[4, 5]") && e.getMessage().contains("[2, 3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Linear(0, 2));
    }

    /**
     * zeroGrad(false) only marks the gradients zero; the weight's GEMM then overwrites its
     * buffer (beta 0) and the bias's sum fills it first. Stale contents, even NaN, must not leak
     * into the next gradient, and without zeroGrad the gradients add up.
     */
    @Test
    void zeroedGradientsAreOverwrittenWithoutReadingStaleValues() {
        Linear layer = new Linear(7, 5, true, new SplittableRandom(3));
        layer.weight().requiresGrad(true);
        layer.bias().requiresGrad(true);
        Tensor x = Tensor.of(new float[3 * 7], 3, 7);
        for (int i = 0; i < x.numel(); i++) {
            x.data()[i] = (i % 5) - 1.5f;
        }
        layer.forward(x).sum().backward();
        float[] weightGrad = layer.weight().grad().clone();
        float[] biasGrad = layer.bias().grad().clone();
        assertArrayEquals(new float[]{3f, 3f, 3f, 3f, 3f}, biasGrad);

        layer.forward(x).sum().backward();
        for (int i = 0; i < weightGrad.length; i++) {
            assertEquals(2 * weightGrad[i], layer.weight().grad()[i], 1e-5f, "accumulated weight grad " + i);
        }

        Arrays.fill(layer.weight().grad(), Float.NaN);
        Arrays.fill(layer.bias().grad(), Float.NaN);
        layer.weight().zeroGrad();
        layer.bias().zeroGrad();
        layer.forward(x).sum().backward();
        assertArrayEquals(weightGrad, layer.weight().grad());
        assertArrayEquals(biasGrad, layer.bias().grad());

        layer.weight().zeroGrad();
        assertArrayEquals(new float[weightGrad.length], layer.weight().grad(), "a zeroed gradient reads as zeros");
    }
}
