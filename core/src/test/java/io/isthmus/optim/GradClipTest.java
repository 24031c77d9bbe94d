package io.isthmus.optim;

import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GradClipTest {

    private static Tensor withGrad(float... grad) {
        Tensor p = Tensor.zeros(grad.length).requiresGrad(true);
        p.setGrad(grad);
        return p;
    }

    @Test
    void clipsByTheGlobalNormAcrossParameters() {
        // gradients (3, 4) and (12): global norm 13
        Tensor a = withGrad(3f, 4f);
        Tensor b = withGrad(12f);
        Tensor none = Tensor.zeros(2).requiresGrad(true);
        double total = GradClip.clipGradNorm(List.of(a, b, none), 6.5);
        assertEquals(13.0, total, 1e-6);
        double coefficient = 6.5 / (13 + 1e-6);
        assertArrayEquals(new float[]{(float) (3 * coefficient), (float) (4 * coefficient)}, a.grad(), 1e-6f);
        assertArrayEquals(new float[]{(float) (12 * coefficient)}, b.grad(), 1e-6f);
        assertNull(none.grad());
        assertEquals(6.5, GradClip.totalNorm(List.of(a, b), 2), 1e-5);
    }

    @Test
    void leavesSmallGradientsUntouched() {
        Tensor a = withGrad(3f, 4f);
        assertEquals(5.0, GradClip.clipGradNorm(List.of(a), 5.0 + 1e-3), 1e-6);
        assertArrayEquals(new float[]{3f, 4f}, a.grad());
    }

    @Test
    void otherNorms() {
        Tensor a = withGrad(3f, -4f);
        Tensor b = withGrad(-12f);
        assertEquals(12.0, GradClip.totalNorm(List.of(a, b), Double.POSITIVE_INFINITY));
        assertEquals(19.0, GradClip.totalNorm(List.of(a, b), 1), 1e-6);
        double total = GradClip.clipGradNorm(List.of(a, b), 6, Double.POSITIVE_INFINITY);
        assertEquals(12.0, total);
        assertEquals(-6f, b.grad()[0], 1e-5f);
        assertEquals(1.5f, a.grad()[0], 1e-5f);
    }

    @Test
    void clipGradValueClampsEachElement() {
        Tensor a = withGrad(0.5f, -3f, 2f, Float.NaN);
        GradClip.clipGradValue(List.of(a), 1.0);
        assertArrayEquals(new float[]{0.5f, -1f, 1f, Float.NaN}, a.grad());
    }

    @Test
    void badLimitsAreNamed() {
        Tensor a = withGrad(1f);
        String norm = assertThrows(IllegalArgumentException.class, () -> GradClip.clipGradNorm(List.of(a), -1))
                .getMessage();
        assertTrue(norm.contains("maxNorm") && norm.contains("-1"), norm);
        assertThrows(IllegalArgumentException.class, () -> GradClip.clipGradNorm(List.of(a), 1, 0));
        assertThrows(IllegalArgumentException.class, () -> GradClip.clipGradValue(List.of(a), Double.NaN));
    }
}
