package io.isthmus.optim;

import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parameter groups: per-group settings, the decay split, learning rates, state dicts, errors. */
class ParamGroupTest {

    private final SplittableRandom random = new SplittableRandom(11);

    private static Tensor param(float... values) {
        return Tensor.of(values.clone(), values.length).requiresGrad(true);
    }

    private static void setGrad(Tensor p, float[] grad) {
        p.setGrad(java.util.Arrays.copyOf(grad, grad.length));
    }

    private static String message(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void groupsTakeTheOptimizersSettingsUnlessTheySetTheirOwn() {
        Tensor w = Tensor.zeros(2, 3).requiresGrad(true);
        Tensor b = param(0f, 0f);
        AdamW adamw = AdamW.builder(0.01).betas(0.8, 0.9).weightDecay(0.05)
                .build(List.of(ParamGroup.of(List.of(w)), ParamGroup.of(List.of(b)).weightDecay(0).lr(0.02).eps(1e-6)));
        assertEquals(Map.of("beta1", 0.8f, "beta2", 0.9f, "eps", 1e-8f, "weight_decay", 0.05f),
                adamw.groups().get(0).hyperparameters());
        assertEquals(Map.of("beta1", 0.8f, "beta2", 0.9f, "eps", 1e-6f, "weight_decay", 0f),
                adamw.groups().get(1).hyperparameters());
        assertEquals(0.01, adamw.lr(0));
        assertEquals(0.02, adamw.lr(1));
        assertEquals(List.of(w, b), adamw.parameters(), "numbered across groups, group 0's first");
        assertEquals(1, adamw.groups().get(1).start());
        assertEquals(0.05f, adamw.weightDecay(), "the getters give group 0's value");
    }

    /** Weight decay 0.5 on one group only: AdamW shrinks w by lr * wd before the Adam step, leaves b alone. */
    @Test
    void weightDecayAppliesOnlyToItsGroup() {
        Tensor w = param(2f, -4f);
        Tensor b = param(2f, -4f);
        AdamW adamw = AdamW.builder(0.1).weightDecay(0.5)
                .build(List.of(ParamGroup.of(List.of(w)), ParamGroup.of(List.of(b)).weightDecay(0)));
        setGrad(w, new float[]{0.3f, 0.3f});
        setGrad(b, new float[]{0.3f, 0.3f});
        adamw.step();
        // first Adam step moves by lr * sign(g)
        assertArrayEquals(new float[]{2f * 0.95f - 0.1f, -4f * 0.95f - 0.1f}, w.data(), 1e-6f);
        assertArrayEquals(new float[]{1.9f, -4.1f}, b.data(), 1e-6f);
    }

    @Test
    void everyOptimizerWithTwoGroupsEqualsTwoSingleGroupOptimizers() {
        Map<String, Object[]> cases = new LinkedHashMap<>();
        // {builder over groups, group b's overrides, the one-group optimizer with b's settings}
        cases.put("sgd", new Object[]{
                (Maker) gs -> SGD.builder(0.1).momentum(0.9).weightDecay(0.01).build(gs),
                (Overrides) g -> g.lr(0.03).momentum(0.5).dampening(0.2).weightDecay(0),
                (Single) ps -> SGD.builder(0.03).momentum(0.5).dampening(0.2).build(ps)});
        cases.put("sgd nesterov", new Object[]{
                (Maker) gs -> SGD.builder(0.1).build(gs),
                (Overrides) g -> g.momentum(0.9).nesterov(true).weightDecay(0.1),
                (Single) ps -> SGD.builder(0.1).momentum(0.9).nesterov(true).weightDecay(0.1).build(ps)});
        cases.put("adam", new Object[]{
                (Maker) gs -> Adam.builder(0.01).weightDecay(0.1).build(gs),
                (Overrides) g -> g.lr(0.002).betas(0.5, 0.9).eps(1e-4).weightDecay(0),
                (Single) ps -> Adam.builder(0.002).betas(0.5, 0.9).eps(1e-4).build(ps)});
        cases.put("rmsprop", new Object[]{
                (Maker) gs -> RMSprop.builder(0.01).build(gs),
                (Overrides) g -> g.alpha(0.9).momentum(0.5).centered(true).weightDecay(0.2),
                (Single) ps -> RMSprop.builder(0.01).alpha(0.9).momentum(0.5).centered(true).weightDecay(0.2).build(ps)});
        cases.forEach((name, c) -> {
            Tensor w = Tensor.randn(random, 3, 4).requiresGrad(true);
            Tensor b = Tensor.randn(random, 4).requiresGrad(true);
            Tensor w1 = w.copy().requiresGrad(true);
            Tensor b1 = b.copy().requiresGrad(true);
            Optimizer grouped = ((Maker) c[0]).apply(List.of(ParamGroup.of(List.of(w)),
                    ((Overrides) c[1]).apply(ParamGroup.of(List.of(b)))));
            Optimizer onlyW = ((Maker) c[0]).apply(List.of(ParamGroup.of(List.of(w1))));
            Optimizer onlyB = ((Single) c[2]).apply(List.of(b1));
            for (int s = 0; s < 5; s++) {
                float[] gw = Tensor.randn(random, 12).data();
                float[] gb = Tensor.randn(random, 4).data();
                setGrad(w, gw);
                setGrad(w1, gw);
                setGrad(b, gb);
                setGrad(b1, gb);
                grouped.step();
                onlyW.step();
                onlyB.step();
            }
            assertArrayEquals(w1.data(), w.data(), name + ": group 0");
            assertArrayEquals(b1.data(), b.data(), name + ": group 1");
            for (float v : b.data()) {
                assertTrue(Float.isFinite(v), name + ": " + v);
            }
        });
    }

    private interface Maker extends java.util.function.Function<List<ParamGroup>, Optimizer> {
    }

    private interface Overrides extends java.util.function.UnaryOperator<ParamGroup> {
    }

    private interface Single extends java.util.function.Function<List<Tensor>, Optimizer> {
    }

    @Test
    void decayAndNoDecaySplitsBiasesAndOneDimensionalParameters() {
        Map<String, Tensor> named = new LinkedHashMap<>();
        Tensor fc1 = Tensor.zeros(4, 3).requiresGrad(true);
        Tensor fc1Bias = Tensor.zeros(4).requiresGrad(true);
        Tensor norm = Tensor.zeros(4).requiresGrad(true);
        Tensor frozen = Tensor.zeros(4, 4);
        Tensor conv = Tensor.zeros(2, 1, 3, 3).requiresGrad(true);
        Tensor odd = Tensor.zeros(2, 2).requiresGrad(true);
        named.put("fc1.weight", fc1);
        named.put("fc1.bias", fc1Bias);
        named.put("norm.weight", norm);
        named.put("embedding.weight", frozen);
        named.put("conv.weight", conv);
        named.put("bias", odd);
        List<ParamGroup> groups = ParamGroup.decayAndNoDecay(named);
        assertEquals(2, groups.size());
        assertEquals(List.of(fc1, conv), groups.get(0).parameters());
        assertEquals(Map.of(), groups.get(0).settings(), "the decay group takes the optimizer's weight decay");
        assertEquals(List.of(fc1Bias, norm, odd), groups.get(1).parameters());
        assertEquals(Map.of("weight_decay", 0.0), groups.get(1).settings());

        AdamW adamw = AdamW.builder(1e-3).weightDecay(0.1).build(groups);
        assertEquals(0.1f, adamw.groups().get(0).hyperparameters().get("weight_decay"));
        assertEquals(0f, adamw.groups().get(1).hyperparameters().get("weight_decay"));

        List<ParamGroup> onlyMatrices = ParamGroup.decayAndNoDecay(Map.of("w", fc1));
        assertEquals(1, onlyMatrices.size(), "no empty no-decay group");
        assertSame(fc1, onlyMatrices.getFirst().parameters().getFirst());
    }

    @Test
    void setLrSetsEveryGroupAndLrReadsGroupZero() {
        SGD sgd = new SGD(List.of(ParamGroup.of(List.of(param(1f))), ParamGroup.of(List.of(param(1f))).lr(0.5)), 0.1);
        assertEquals(0.1, sgd.lr());
        assertEquals(0.5, sgd.lr(1));
        sgd.setLr(1, 0.25);
        assertEquals(0.25, sgd.lr(1));
        assertEquals(0.1, sgd.lr(0));
        sgd.setLr(0.3);
        assertEquals(0.3, sgd.lr(0));
        assertEquals(0.3, sgd.lr(1));
        String negative = message(() -> sgd.setLr(1, -0.1));
        assertEquals("sgd: parameter group 1: learning rate must be finite and >= 0, got -0.1", negative);
        assertEquals(0.3, sgd.lr(1), "a rejected rate changes nothing");
    }

    @Test
    void badGroupsAreNamed() {
        Tensor p = param(1f);
        Tensor q = param(2f);
        String twice = message(() -> new Adam(List.of(ParamGroup.of(List.of(p, q)), ParamGroup.of(List.of(q))), 0.1));
        assertEquals("adam: parameter 0 of group 1 [1] is also in group 0 (a parameter belongs to one group only)", twice);
        String empty = message(() -> new Adam(List.of(ParamGroup.of(List.of(p)), ParamGroup.of(List.of())), 0.1));
        assertEquals("adam: parameter group 1 is empty", empty);
        String none = message(() -> new Adam(List.<ParamGroup>of(), 0.1));
        assertEquals("adam: got an empty parameter list", none);
        String lr = message(() -> new Adam(List.of(ParamGroup.of(List.of(p)), ParamGroup.of(List.of(q)).lr(-1)), 0.1));
        assertEquals("adam: parameter group 1: learning rate must be finite and >= 0, got -1.0", lr);
        String decay = message(() -> new AdamW(List.of(ParamGroup.of(List.of(p)).weightDecay(-0.5),
                ParamGroup.of(List.of(q))), 0.1));
        assertEquals("adamw: parameter group 0: weight_decay must be finite and >= 0, got -0.5", decay);
        String unknown = message(() -> new Adam(List.of(ParamGroup.of(List.of(p)).momentum(0.9)), 0.1));
        assertTrue(unknown.contains("group 0 sets momentum") && unknown.contains("beta1"), unknown);
        String nesterov = message(() -> new SGD(List.of(ParamGroup.of(List.of(p)), ParamGroup.of(List.of(q))
                .nesterov(true)), 0.1));
        assertTrue(nesterov.startsWith("sgd: parameter group 1: Nesterov"), nesterov);
        String leaf = message(() -> new SGD(List.of(ParamGroup.of(List.of(p)), ParamGroup.of(List.of(q.mul(2f)))), 0.1));
        assertTrue(leaf.contains("parameter 0 of group 1") && leaf.contains("not a leaf"), leaf);
    }

    private static Optimizer twoGroupAdam(List<Tensor> first, List<Tensor> second) {
        return Adam.builder(0.01).betas(0.8, 0.95)
                .build(List.of(ParamGroup.of(first), ParamGroup.of(second).lr(0.03).weightDecay(0.1).eps(1e-6)));
    }

    @Test
    void stateDictWithGroupsResumesBitForBit() {
        Tensor w = Tensor.randn(random, 2, 3).requiresGrad(true);
        Tensor b = Tensor.randn(random, 3).requiresGrad(true);
        Tensor n = Tensor.randn(random, 3).requiresGrad(true);
        float[][] grads = new float[8][];
        for (int s = 0; s < grads.length; s++) {
            grads[s] = Tensor.randn(random, 12).data();
        }
        Optimizer uninterrupted = twoGroupAdam(List.of(w), List.of(b, n));
        for (int s = 0; s < 4; s++) {
            step(uninterrupted, List.of(w, b, n), grads[s], s);
        }
        Map<String, Tensor> saved = uninterrupted.stateDict();
        assertEquals(List.of("group.0.size", "group.0.lr", "group.0.beta1", "group.0.beta2", "group.0.eps",
                        "group.0.weight_decay", "group.1.size", "group.1.lr", "group.1.beta1", "group.1.beta2",
                        "group.1.eps", "group.1.weight_decay"),
                saved.keySet().stream().filter(k -> k.startsWith("group.")).toList());
        assertEquals(2f, saved.get("group.1.size").item());
        assertEquals(0.1f, saved.get("group.1.weight_decay").item());
        List<Tensor> copies = List.of(w.copy().requiresGrad(true), b.copy().requiresGrad(true), n.copy().requiresGrad(true));
        for (int s = 4; s < grads.length; s++) {
            step(uninterrupted, List.of(w, b, n), grads[s], s);
        }

        // made with other settings: loading restores each group's
        Optimizer resumed = new Adam(List.of(ParamGroup.of(copies.subList(0, 1)), ParamGroup.of(copies.subList(1, 3))), 9);
        resumed.loadStateDict(saved);
        assertEquals(0.1f, resumed.groups().get(1).hyperparameters().get("weight_decay"));
        assertEquals(1e-6f, resumed.groups().get(1).hyperparameters().get("eps"));
        assertEquals(0f, resumed.groups().get(0).hyperparameters().get("weight_decay"));
        for (int s = 4; s < grads.length; s++) {
            step(resumed, copies, grads[s], s);
        }
        assertArrayEquals(w.data(), copies.get(0).data());
        assertArrayEquals(b.data(), copies.get(1).data());
        assertArrayEquals(n.data(), copies.get(2).data());
        assertEquals(uninterrupted.stateDict().keySet(), resumed.stateDict().keySet());
    }

    /** Step s: both rates scaled by s, n has a gradient only on even steps. */
    private static void step(Optimizer optimizer, List<Tensor> params, float[] grad, int s) {
        optimizer.setLr(0, 0.01 * (1 + s));
        optimizer.setLr(1, 0.03 / (1 + s));
        setGrad(params.get(0), java.util.Arrays.copyOfRange(grad, 0, 6));
        setGrad(params.get(1), java.util.Arrays.copyOfRange(grad, 6, 9));
        if (s % 2 == 0) {
            setGrad(params.get(2), java.util.Arrays.copyOfRange(grad, 9, 12));
        } else {
            params.get(2).clearGrad();
        }
        optimizer.step();
    }

    @Test
    void mismatchedGroupsAreRejectedNamingBoth() {
        Tensor w = Tensor.zeros(2, 3).requiresGrad(true);
        Tensor b = Tensor.zeros(3).requiresGrad(true);
        Tensor n = Tensor.zeros(3).requiresGrad(true);
        Map<String, Tensor> two = twoGroupAdam(List.of(w), List.of(b, n)).stateDict();
        Map<String, Tensor> one = new Adam(List.of(w, b, n), 0.01).stateDict();

        Optimizer single = new Adam(List.of(w, b, n), 0.01);
        String count = message(() -> single.loadStateDict(two));
        assertEquals("adam: state dict has 2 parameter groups of sizes [1, 2] but this optimizer has 1 of sizes [3]", count);
        Optimizer grouped = twoGroupAdam(List.of(w), List.of(b, n));
        String fewer = message(() -> grouped.loadStateDict(one));
        assertEquals("adam: state dict has 1 parameter group (hyper.*) but this optimizer has 2 of sizes [1, 2]", fewer);
        Optimizer otherSizes = twoGroupAdam(List.of(w, b), List.of(n));
        String sizes = message(() -> otherSizes.loadStateDict(two));
        assertEquals("adam: state dict has parameter groups of sizes [1, 2] but this optimizer's groups have sizes [2, 1]",
                sizes);
        assertEquals(0.03, otherSizes.lr(1), "a failed load changes nothing");

        Map<String, Tensor> badDecay = new LinkedHashMap<>(two);
        badDecay.put("group.1.weight_decay", Tensor.scalar(-1f));
        String decay = message(() -> grouped.loadStateDict(badDecay));
        assertEquals("adam: parameter group 1: weight_decay must be finite and >= 0, got -1.0", decay);
        assertEquals(0.1f, grouped.groups().get(1).hyperparameters().get("weight_decay"));

        Map<String, Tensor> missing = new LinkedHashMap<>(two);
        missing.remove("group.1.eps");
        String key = message(() -> grouped.loadStateDict(missing));
        assertTrue(key.contains("missing [group.1.eps]"), key);

        Map<String, Tensor> mixed = new LinkedHashMap<>(two);
        mixed.put("hyper.lr", Tensor.scalar(0.1f));
        String both = message(() -> grouped.loadStateDict(mixed));
        assertTrue(both.contains("both hyper.* and group.*"), both);
    }
}
