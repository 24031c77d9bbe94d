package io.isthmus.nn;

import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.function.DoubleUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Activations as modules (against their formulas in double) and Flatten. */
class ActivationModulesTest {

    private static final float[] X = {-3f, -1f, -0.25f, 0f, 0.5f, 2f};

    private static void check(Layer module, DoubleUnaryOperator formula) {
        Tensor y = module.forward(Tensor.of(X.clone(), 2, 3));
        assertArrayEquals(new int[]{2, 3}, y.shape());
        for (int i = 0; i < X.length; i++) {
            assertEquals(formula.applyAsDouble(X[i]), y.data()[i], 1e-6, module + " at " + X[i]);
        }
    }

    private static double erf(double x) {
        // Abramowitz-Stegun 7.1.26 is too coarse here; integrate exp(-t^2) with Simpson's rule.
        int n = 2000;
        double h = x / n;
        double s = 1 + Math.exp(-x * x);
        for (int i = 1; i < n; i++) {
            double t = i * h;
            s += (i % 2 == 1 ? 4 : 2) * Math.exp(-t * t);
        }
        return 2 / Math.sqrt(Math.PI) * s * h / 3;
    }

    @Test
    void elementwiseActivationsMatchTheirFormulas() {
        check(new ReLU(), x -> Math.max(x, 0));
        check(new LeakyReLU(), x -> x > 0 ? x : 0.01 * x);
        check(new LeakyReLU(0.2f), x -> x > 0 ? x : 0.2 * x);
        check(new ELU(), x -> x > 0 ? x : Math.exp(x) - 1);
        check(new Sigmoid(), x -> 1 / (1 + Math.exp(-x)));
        check(new Tanh(), Math::tanh);
        check(new SiLU(), x -> x / (1 + Math.exp(-x)));
        check(new GELU(), x -> 0.5 * x * (1 + erf(x / Math.sqrt(2))));
        check(new GELU(true), x -> 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))));
    }

    @Test
    void softmaxModulesWorkAlongTheLastAxis() {
        Tensor x = Tensor.of(X.clone(), 2, 3);
        Tensor p = new Softmax().forward(x);
        Tensor logp = new LogSoftmax().forward(x);
        for (int r = 0; r < 2; r++) {
            double z = 0;
            for (int c = 0; c < 3; c++) {
                z += Math.exp(X[3 * r + c]);
            }
            for (int c = 0; c < 3; c++) {
                assertEquals(Math.exp(X[3 * r + c]) / z, p.get(r, c), 1e-6);
                assertEquals(X[3 * r + c] - Math.log(z), logp.get(r, c), 1e-6);
            }
        }
    }

    @Test
    void flattenKeepsTheBatchAxisAndTheOrder() {
        float[] data = new float[2 * 3 * 4 * 5];
        for (int i = 0; i < data.length; i++) {
            data[i] = i;
        }
        Tensor x = Tensor.of(data, 2, 3, 4, 5).requiresGrad(true);
        Tensor y = new Flatten().forward(x);
        assertArrayEquals(new int[]{2, 60}, y.shape());
        assertEquals(61f, y.get(1, 1));
        y.sum().backward();
        assertArrayEquals(new int[]{2, 3, 4, 5}, x.gradTensor().shape());
        assertEquals(1f, x.grad()[119]);
        assertThrows(IllegalArgumentException.class, () -> new Flatten().forward(Tensor.scalar(1f)));
    }

    @Test
    void activationsHaveNoParameters() {
        for (Module m : new Module[]{new ReLU(), new GELU(), new Softmax(), new Flatten(), new Dropout(0.1f)}) {
            assertEquals(0, m.parameterCount(), m.toString());
            assertEquals(0, m.stateDict().size());
        }
    }
}
