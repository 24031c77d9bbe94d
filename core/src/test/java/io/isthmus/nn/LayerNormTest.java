package io.isthmus.nn;

import io.isthmus.ops.GradCheck;
import io.isthmus.ops.LayerNormOp;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** nn.LayerNorm and LayerNormOp: finite differences, bad shapes, parameters. */
class LayerNormTest {

    @Test
    void gradientsMatchFiniteDifferences() {
        SplittableRandom r = new SplittableRandom(3);
        for (int[] shape : new int[][]{{2, 3, 7}, {1, 1}, {5, 33}}) {
            int d = shape[shape.length - 1];
            Tensor x = Tensor.uniform(r, -2, 2, shape).requiresGrad(true);
            Tensor w = Tensor.uniform(r, 0.5f, 1.5f, d).requiresGrad(true);
            Tensor b = Tensor.uniform(r, -1, 1, d).requiresGrad(true);
            GradCheck.check("layer_norm " + java.util.Arrays.toString(shape),
                    in -> LayerNormOp.layerNorm(in.get(0), in.get(1), in.get(2), 1e-5), List.of(x, w, b));
            Tensor x2 = Tensor.uniform(r, -2, 2, shape).requiresGrad(true);
            GradCheck.check("layer_norm no affine", in -> LayerNormOp.layerNorm(in.get(0), null, null, 1e-3), List.of(x2));
        }
    }

    @Test
    void badShapesNameBoth() {
        Tensor x = Tensor.zeros(2, 7);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LayerNormOp.layerNorm(x, Tensor.ones(5), null, 1e-5));
        assertTrue(e.getMessage().contains("[5]") && e.getMessage().contains("[2, 7]"), e.getMessage());
        IllegalArgumentException m = assertThrows(IllegalArgumentException.class, () -> new LayerNorm(5).forward(x));
        assertTrue(m.getMessage().contains("[2, 7]") && m.getMessage().contains("5"), m.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LayerNorm(0));
        assertThrows(IllegalArgumentException.class, () -> new LayerNorm(3, -1));
    }

    @Test
    void parametersAndNoAffine() {
        LayerNorm ln = new LayerNorm(7);
        assertEquals(14, ln.parameters().stream().mapToInt(Tensor::numel).sum());
        LayerNorm plain = new LayerNorm(2, 1e-5, false);
        assertTrue(plain.parameters().isEmpty());
        assertNull(plain.weight());
        Tensor y = plain.forward(Tensor.of(new float[]{1, 3}, 1, 2));
        assertEquals(-1, y.data()[0], 1e-4);
        assertEquals(1, y.data()[1], 1e-4);
    }
}
