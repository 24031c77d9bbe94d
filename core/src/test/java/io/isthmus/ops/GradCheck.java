package io.isthmus.ops;

import io.isthmus.tensor.Tensor;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Finite-difference gradient check: compares the analytic gradient of
 * {@code sum(f(inputs) * upstream)} (upstream random, fixed) with central differences.
 * Tolerance: |analytic - numeric| <= atol + rtol * max(|analytic|, |numeric|).
 */
public final class GradCheck {

    private GradCheck() {
    }

    public static void check(String what, Function<List<Tensor>, Tensor> f, List<Tensor> inputs,
                             double eps, double atol, double rtol) {
        for (Tensor input : inputs) {
            input.requiresGrad(true);
            input.clearGrad();
        }
        Tensor out = f.apply(inputs);
        float[] upstream = new float[out.numel()];
        SplittableRandom random = new SplittableRandom(99);
        for (int i = 0; i < upstream.length; i++) {
            upstream[i] = (float) (random.nextDouble() * 2 - 1);
        }
        out.backward(upstream);
        for (int which = 0; which < inputs.size(); which++) {
            Tensor input = inputs.get(which);
            float[] analytic = input.grad() == null ? new float[input.numel()] : input.grad().clone();
            float[] data = input.data();
            for (int i = 0; i < data.length; i++) {
                float saved = data[i];
                data[i] = (float) (saved + eps);
                double plus = weighted(f.apply(inputs), upstream);
                data[i] = (float) (saved - eps);
                double minus = weighted(f.apply(inputs), upstream);
                data[i] = saved;
                double numeric = (plus - minus) / (2 * eps);
                double diff = Math.abs(analytic[i] - numeric);
                double bound = atol + rtol * Math.max(Math.abs(analytic[i]), Math.abs(numeric));
                int element = i;
                int inputIndex = which;
                assertTrue(diff <= bound, () -> what + ": input " + inputIndex + " element " + element + ": analytic "
                        + analytic[element] + " vs numeric " + numeric + " (|diff| " + diff + " > " + bound + ")");
            }
        }
    }

    public static void check(String what, Function<List<Tensor>, Tensor> f, List<Tensor> inputs) {
        check(what, f, inputs, 1e-2, 2e-3, 1e-2);
    }

    private static double weighted(Tensor out, float[] upstream) {
        double sum = 0;
        float[] data = out.data();
        for (int i = 0; i < data.length; i++) {
            sum += (double) data[i] * upstream[i];
        }
        return sum;
    }
}
