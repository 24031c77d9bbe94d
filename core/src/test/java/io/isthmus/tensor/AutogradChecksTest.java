package io.isthmus.tensor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With -Disthmus.autograd.checks=true (the pom's test runs set it), an {@code overwrite} buffer
 * starts as NaN, so a backward rule that forgets an element cannot pass a gradient test by
 * leaving the recycled array's stale value there.
 */
class AutogradChecksTest {

    /** y = 2x, whose buggy backward writes only the first half of the gradient. */
    private static Tensor halfWrittenDouble(Tensor x) {
        float[] out = new float[x.numel()];
        for (int i = 0; i < out.length; i++) {
            out[i] = 2 * x.data()[i];
        }
        return Tensor.result(out, x.shape(), "half_written", (gradOut, grads) -> {
            float[] gx = grads.overwrite(x);
            for (int i = 0; i < gx.length / 2; i++) {
                gx[i] = 2 * gradOut[i];
            }
        }, x);
    }

    @Test
    void theTestRunsHaveTheChecksOn() {
        assertTrue(InputGrads.POISON, "the pom's surefire argLine must pass -Disthmus.autograd.checks=true");
    }

    @Test
    void anElementABackwardForgetsIsNaN() {
        // recycle a zero-filled array first, so that without the check the forgotten half would read as 0
        Tensor warm = Tensor.zeros(6).requiresGrad(true);
        warm.mul(1f).sum().backward();
        Tensor x = Tensor.of(new float[]{1, 2, 3, 4, 5, 6}, 6).requiresGrad(true);
        halfWrittenDouble(x).mul(1f).sum().backward();
        float[] g = x.grad();
        assertEquals(2f, g[0]);
        assertEquals(2f, g[2]);
        for (int i = 3; i < 6; i++) {
            assertTrue(Float.isNaN(g[i]), "element " + i + " was never written: " + g[i]);
        }
    }
}
