package io.isthmus.optim;

import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Optimizer updates against hand-computed values and independent formulas; state handling. */
class OptimizerTest {

    private final SplittableRandom random = new SplittableRandom(3);

    private static Tensor param(float... values) {
        return Tensor.of(values.clone(), values.length).requiresGrad(true);
    }

    private static void setGrad(Tensor p, float... grad) {
        p.setGrad(grad);
    }

    /** f(p) = sum a_i (p_i - c_i)^2 through autograd; returns f. */
    private static float quadraticBackward(Tensor p, Tensor a, Tensor c) {
        Tensor diff = p.sub(c);
        Tensor f = diff.mul(diff).mul(a).sum();
        f.backward();
        return f.item();
    }

    @Test
    void sgdWithMomentumConvergesOnAQuadratic() {
        Tensor a = Tensor.of(new float[]{1f, 3f, 0.5f}, 3);
        Tensor c = Tensor.of(new float[]{2f, -1f, 0.5f}, 3);
        Tensor p = param(0f, 0f, 0f);
        SGD sgd = SGD.builder(0.05).momentum(0.9).build(List.of(p));
        for (int i = 0; i < 300; i++) {
            sgd.zeroGrad();
            quadraticBackward(p, a, c);
            sgd.step();
        }
        assertArrayEquals(c.data(), p.data(), 1e-4f);
    }

    @Test
    void everyOptimizerReducesAQuadratic() {
        Tensor a = Tensor.of(new float[]{1f, 3f, 0.5f, 2f}, 4);
        Tensor c = Tensor.of(new float[]{2f, -1f, 0.5f, 1f}, 4);
        Map<String, Function<List<Tensor>, Optimizer>> makers = Map.of(
                "sgd nesterov", ps -> SGD.builder(0.05).momentum(0.9).nesterov(true).build(ps),
                "adam", ps -> new Adam(ps, 0.05),
                "adamw", ps -> AdamW.builder(0.05).weightDecay(0).build(ps),
                "rmsprop centered", ps -> RMSprop.builder(0.01).centered(true).momentum(0.5).build(ps));
        makers.forEach((name, maker) -> {
            Tensor p = param(0f, 0f, 0f, 0f);
            Optimizer optimizer = maker.apply(List.of(p));
            float first = Float.NaN;
            float last = Float.NaN;
            for (int i = 0; i < 400; i++) {
                optimizer.zeroGrad();
                last = quadraticBackward(p, a, c);
                first = i == 0 ? last : first;
                optimizer.step();
            }
            assertTrue(last < first * 1e-3, name + ": loss went from " + first + " to " + last);
        });
    }

    @Test
    void sgdMatchesHandComputedSteps() {
        // momentum 0.9, dampening 0.5, constant gradient 1: buf 1 then 0.9 + 0.5 = 1.4
        Tensor p = param(1f);
        SGD sgd = SGD.builder(0.1).momentum(0.9).dampening(0.5).build(List.of(p));
        setGrad(p, 1f);
        sgd.step();
        assertEquals(0.9f, p.data()[0], 1e-7f);
        sgd.step();
        assertEquals(0.76f, p.data()[0], 1e-7f);

        // Nesterov: d = g + 0.9 buf: 1.9, then buf 1.9 and d = 1 + 1.71 = 2.71
        Tensor q = param(1f);
        SGD nesterov = SGD.builder(0.1).momentum(0.9).nesterov(true).build(List.of(q));
        setGrad(q, 1f);
        nesterov.step();
        assertEquals(0.81f, q.data()[0], 1e-7f);
        nesterov.step();
        assertEquals(0.539f, q.data()[0], 1e-6f);

        // weight decay adds wd * p to the gradient: 2 - 0.1 * (0.5 + 0.1 * 2)
        Tensor r = param(2f);
        SGD decayed = SGD.builder(0.1).weightDecay(0.1).build(List.of(r));
        setGrad(r, 0.5f);
        decayed.step();
        assertEquals(1.93f, r.data()[0], 1e-6f);
        assertArrayEquals(new float[]{0.5f}, r.grad(), "the gradient itself is left alone");
    }

    @Test
    void adamFirstStepIsLrTimesSignOfTheGradient() {
        Tensor p = Tensor.randn(random, 50).requiresGrad(true);
        float[] start = p.data().clone();
        Tensor g = Tensor.randn(random, 50);
        setGrad(p, g.data());
        double lr = 0.01;
        new Adam(List.of(p), lr).step();
        for (int i = 0; i < 50; i++) {
            double expected = start[i] - lr * Math.signum(g.data()[i]);
            assertEquals(expected, p.data()[i], 1e-6, "element " + i + " with gradient " + g.data()[i]);
        }
    }

    @Test
    void adamWDecaysTheParameterApartFromTheGradient() {
        Tensor p = param(2f, -4f);
        setGrad(p, 0.3f, 0.3f);
        AdamW.builder(0.1).weightDecay(0.5).build(List.of(p)).step();
        // p (1 - lr wd) - lr sign(g)
        assertArrayEquals(new float[]{2f * 0.95f - 0.1f, -4f * 0.95f - 0.1f}, p.data(), 1e-5f);

        // Adam's weight decay is L2 in the gradient: g' = 0.3 + 0.5 * p, first step moves by lr sign(g')
        Tensor q = param(2f, -4f);
        setGrad(q, 0.3f, 0.3f);
        Adam.builder(0.1).weightDecay(0.5).build(List.of(q)).step();
        assertArrayEquals(new float[]{1.9f, -3.9f}, q.data(), 1e-5f);
    }

    @Test
    void rmspropMatchesAnIndependentDoubleImplementation() {
        double lr = 0.01;
        double alpha = 0.9;
        double eps = 1e-6;
        double wd = 0.05;
        double momentum = 0.8;
        Tensor p = Tensor.randn(random, 8).requiresGrad(true);
        double[] ref = new double[8];
        for (int i = 0; i < 8; i++) {
            ref[i] = p.data()[i];
        }
        double[] sq = new double[8];
        double[] ga = new double[8];
        double[] buf = new double[8];
        RMSprop rmsprop = RMSprop.builder(lr).alpha(alpha).eps(eps).weightDecay(wd).momentum(momentum).centered(true)
                .build(List.of(p));
        for (int step = 0; step < 5; step++) {
            float[] grad = Tensor.randn(random, 8).data();
            setGrad(p, grad);
            rmsprop.step();
            for (int i = 0; i < 8; i++) {
                double g = grad[i] + wd * ref[i];
                sq[i] = alpha * sq[i] + (1 - alpha) * g * g;
                ga[i] = alpha * ga[i] + (1 - alpha) * g;
                double avg = Math.sqrt(sq[i] - ga[i] * ga[i]) + eps;
                buf[i] = momentum * buf[i] + g / avg;
                ref[i] -= lr * buf[i];
            }
            for (int i = 0; i < 8; i++) {
                assertEquals(ref[i], p.data()[i], 1e-5 * (1 + Math.abs(ref[i])), "step " + step + " element " + i);
            }
        }
    }

    @Test
    void parametersWithoutGradientAreSkippedAndCountTheirOwnSteps() {
        Tensor used = param(1f, 1f);
        Tensor idle = param(5f);
        Adam adam = new Adam(List.of(used, idle), 0.1);
        setGrad(used, 1f, -1f);
        adam.step();
        assertArrayEquals(new float[]{5f}, idle.data());
        assertNull(adam.state(1));
        assertEquals(1, adam.state(0).step());

        setGrad(idle, 2f);
        adam.step();
        assertEquals(2, adam.state(0).step());
        assertEquals(1, adam.state(1).step());
        // its own first step: bias-corrected to lr * sign(g)
        assertEquals(4.9f, idle.data()[0], 1e-6f);
    }

    @Test
    void zeroGradDropsOrZeroesGradients() {
        Tensor p = param(1f, 2f);
        SGD sgd = new SGD(List.of(p), 0.1);
        setGrad(p, 3f, 4f);
        sgd.zeroGrad(false);
        assertArrayEquals(new float[]{0f, 0f}, p.grad());
        sgd.zeroGrad();
        assertNull(p.grad());
        sgd.step();
        assertArrayEquals(new float[]{1f, 2f}, p.data());
    }

    /** Builds an optimizer over the given parameters. */
    private interface Maker extends Function<List<Tensor>, Optimizer> {
    }

    /** Step s of a run: lr varies, the second parameter has a gradient only on even steps. */
    private static void trainingStep(Optimizer optimizer, Tensor weight, Tensor bias, float[] grad, int s) {
        optimizer.setLr(0.01 * (1 + s));
        setGrad(weight, grad);
        if (s % 2 == 0) {
            setGrad(bias, 1f);
        } else {
            bias.clearGrad();
        }
        optimizer.step();
    }

    @Test
    void stateDictRoundTripResumesBitForBit() {
        Map<String, Maker> makers = Map.of(
                "sgd", ps -> SGD.builder(0.05).momentum(0.9).nesterov(true).weightDecay(0.01).build(ps),
                "sgd dampened", ps -> SGD.builder(0.05).momentum(0.8).dampening(0.3).build(ps),
                "adam", ps -> Adam.builder(0.003).betas(0.8, 0.95).weightDecay(0.02).build(ps),
                "adamw", ps -> new AdamW(ps, 0.003),
                "rmsprop", ps -> RMSprop.builder(0.01).alpha(0.95).momentum(0.7).centered(true).weightDecay(0.01).build(ps));
        makers.forEach((name, maker) -> {
            float[][] grads = new float[8][];
            for (int s = 0; s < grads.length; s++) {
                grads[s] = Tensor.randn(random, 6).data();
            }
            Tensor weight = Tensor.randn(random, 2, 3).requiresGrad(true);
            Tensor bias = param(0.5f);
            Optimizer uninterrupted = maker.apply(List.of(weight, bias));
            for (int s = 0; s < 4; s++) {
                trainingStep(uninterrupted, weight, bias, grads[s], s);
            }
            Map<String, Tensor> saved = uninterrupted.stateDict();
            Tensor savedWeight = weight.copy().requiresGrad(true);
            Tensor savedBias = bias.copy().requiresGrad(true);
            for (int s = 4; s < grads.length; s++) {
                trainingStep(uninterrupted, weight, bias, grads[s], s);
            }

            // a fresh optimizer made with other hyperparameters: loading restores the saved ones
            Optimizer resumed = maker.apply(List.of(savedWeight, savedBias));
            resumed.setLr(123);
            resumed.loadStateDict(saved);
            assertEquals(0.04f, (float) resumed.lr(), name);
            for (int s = 4; s < grads.length; s++) {
                trainingStep(resumed, savedWeight, savedBias, grads[s], s);
            }
            assertArrayEquals(weight.data(), savedWeight.data(), name + ": resumed training differs from uninterrupted");
            assertArrayEquals(bias.data(), savedBias.data(), name + ": resumed bias differs");
            assertEquals(uninterrupted.stateDict().keySet(), resumed.stateDict().keySet(), name);
        });
    }

    @Test
    void stateDictHoldsStepsBuffersAndHyperparametersAsCopies() {
        Tensor p = Tensor.of(new float[]{1f, 2f, 3f, 4f}, 2, 2).requiresGrad(true);
        Adam adam = Adam.builder(0.01).betas(0.8, 0.9).build(List.of(p, param(0f)));
        setGrad(p, 1f, 1f, 1f, 1f);
        adam.step();
        adam.step();
        Map<String, Tensor> dict = adam.stateDict();
        assertEquals(List.of("hyper.lr", "hyper.beta1", "hyper.beta2", "hyper.eps", "hyper.weight_decay",
                "state.0.step", "state.0.exp_avg", "state.0.exp_avg_sq"), List.copyOf(dict.keySet()));
        assertEquals(2f, dict.get("state.0.step").item());
        assertArrayEquals(new int[0], dict.get("state.0.step").shape());
        assertArrayEquals(new int[]{2, 2}, dict.get("state.0.exp_avg").shape());
        assertEquals(0.8f, dict.get("hyper.beta1").item());
        float[] before = dict.get("state.0.exp_avg").data().clone();
        adam.step();
        assertArrayEquals(before, dict.get("state.0.exp_avg").data(), "a saved state dict does not change with training");
    }

    @Test
    void badStateDictsAreRejectedByNameAndChangeNothing() {
        Tensor p = Tensor.zeros(2, 3).requiresGrad(true);
        SGD source = SGD.builder(0.1).momentum(0.9).build(List.of(p));
        setGrad(p, new float[6]);
        source.step();
        Map<String, Tensor> good = source.stateDict();

        Tensor other = Tensor.zeros(3, 2).requiresGrad(true);
        SGD target = SGD.builder(0.5).momentum(0.5).build(List.of(other));
        String shape = assertThrows(IllegalArgumentException.class, () -> target.loadStateDict(good)).getMessage();
        assertTrue(shape.contains("state.0.momentum_buffer") && shape.contains("[2, 3]") && shape.contains("[3, 2]"), shape);
        assertEquals(0.5, target.lr(), "a failed load changes nothing");
        assertEquals(0.5f, target.momentum());

        Map<String, Tensor> adamState = new Adam(List.of(p), 0.1).stateDict();
        String kind = assertThrows(IllegalArgumentException.class,
                () -> SGD.builder(0.1).momentum(0.9).build(List.of(p)).loadStateDict(adamState)).getMessage();
        assertTrue(kind.contains("hyper.beta1"), kind);

        Map<String, Tensor> extra = new java.util.LinkedHashMap<>(good);
        extra.put("state.0.exp_avg", Tensor.zeros(2, 3));
        String unknown = assertThrows(IllegalArgumentException.class,
                () -> SGD.builder(0.1).build(List.of(p)).loadStateDict(extra)).getMessage();
        assertTrue(unknown.contains("state.0.exp_avg"), unknown);

        Map<String, Tensor> outOfRange = new java.util.LinkedHashMap<>(good);
        outOfRange.put("state.3.step", Tensor.scalar(1));
        String index = assertThrows(IllegalArgumentException.class,
                () -> SGD.builder(0.1).build(List.of(p)).loadStateDict(outOfRange)).getMessage();
        assertTrue(index.contains("state.3.step") && index.contains("1 parameters"), index);

        Map<String, Tensor> noStep = new java.util.LinkedHashMap<>(good);
        noStep.remove("state.0.step");
        String step = assertThrows(IllegalArgumentException.class,
                () -> SGD.builder(0.1).build(List.of(p)).loadStateDict(noStep)).getMessage();
        assertTrue(step.contains("state.0.step"), step);
    }

    @Test
    void badArgumentsAreNamed() {
        Tensor p = param(1f);
        assertThrows(IllegalArgumentException.class, () -> new SGD(List.<Tensor>of(), 0.1));
        String duplicate = assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(p, p), 0.1)).getMessage();
        assertTrue(duplicate.contains("more than once"), duplicate);
        Tensor computed = p.mul(2f);
        String leaf = assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(computed), 0.1)).getMessage();
        assertTrue(leaf.contains("not a leaf") && leaf.contains("mul_scalar"), leaf);
        String lr = assertThrows(IllegalArgumentException.class, () -> new Adam(List.of(p), -1)).getMessage();
        assertTrue(lr.contains("learning rate") && lr.contains("-1"), lr);
        String nesterov = assertThrows(IllegalArgumentException.class,
                () -> SGD.builder(0.1).nesterov(true).build(List.of(p))).getMessage();
        assertTrue(nesterov.contains("Nesterov"), nesterov);
        String beta = assertThrows(IllegalArgumentException.class,
                () -> Adam.builder(0.1).betas(0.9, 1.0).build(List.of(p))).getMessage();
        assertTrue(beta.contains("beta2") && beta.contains("1.0"), beta);
        assertThrows(IllegalArgumentException.class, () -> RMSprop.builder(0.1).alpha(-0.1).build(List.of(p)));
    }
}
