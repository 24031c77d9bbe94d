package io.isthmus.golden;

import com.google.gson.JsonObject;
import io.isthmus.optim.Optimizer;
import io.isthmus.optim.ParamGroup;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Parameter groups on every golden optimizer case: one optimizer with two groups, group a with
 * the case's settings and group b with another learning rate, weight decay and one more
 * setting of the algorithm, must give each parameter exactly (bit for bit) what a one-group
 * optimizer with that group's settings gives; group a must also match PyTorch at every step.
 */
class ParamGroupGoldenTest {

    @TestFactory
    Stream<DynamicTest> twoGroupsEqualTwoSingleGroupOptimizers() {
        return OptimizerGoldenTest.SUITE.cases().stream()
                .map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    private static void check(GoldenCase c) {
        GoldenCase other = variant(c);
        Tensor a = fresh(c);
        Tensor b = fresh(c);
        Optimizer grouped = OptimizerGoldenTest.optimizer(c, List.of(ParamGroup.of(List.of(a)), groupB(other, b)));
        Tensor aloneA = fresh(c);
        Tensor aloneB = fresh(c);
        Optimizer singleA = OptimizerGoldenTest.optimizer(c, List.of(ParamGroup.of(List.of(aloneA))));
        Optimizer singleB = OptimizerGoldenTest.optimizer(other, List.of(ParamGroup.of(List.of(aloneB))));
        assertEquals(2, grouped.groups().size());
        assertEquals(singleB.groups().getFirst().hyperparameters(), grouped.groups().get(1).hyperparameters(), c.name());
        assertEquals(singleB.lr(), grouped.lr(1), c.name());

        int steps = (int) c.number("steps", Double.NaN);
        for (int k = 0; k < steps; k++) {
            float[] grad = c.tensor("grad" + k).data();
            for (Tensor p : List.of(a, b, aloneA, aloneB)) {
                p.setGrad(java.util.Arrays.copyOf(grad, grad.length));
            }
            grouped.step();
            singleA.step();
            singleB.step();
            assertArrayEquals(aloneA.data(), a.data(), c.name() + " group a, step " + k);
            assertArrayEquals(aloneB.data(), b.data(), c.name() + " group b, step " + k);
            GoldenCases.assertClose(c.name() + " group a param_after" + k, c.tensor("param_after" + k).data(), a.data(),
                    1e-5, 1e-4);
        }
        for (float v : b.data()) {
            assertTrue(Float.isFinite(v), c.name() + ": group b has " + v);
        }
        assertFalse(Arrays.equals(a.data(), b.data()), c.name() + ": the groups' settings made no difference");
    }

    /** The start parameter in its own array (the case's tensors may share theirs). */
    private static Tensor fresh(GoldenCase c) {
        return c.tensor("param").copy().requiresGrad(true);
    }

    /** The case with group b's settings: half the rate, another weight decay, one more setting changed. */
    private static GoldenCase variant(GoldenCase c) {
        JsonObject meta = c.meta().deepCopy();
        meta.addProperty("lr", c.number("lr", Double.NaN) / 2);
        meta.addProperty("weight_decay", c.string("algo").equals("adamw") ? 0.0 : 0.03);
        switch (c.string("algo")) {
            case "sgd" -> meta.addProperty("momentum", 0.5);
            case "adam", "adamw" -> {
                meta.addProperty("beta1", 0.85);
                meta.addProperty("beta2", 0.99);
            }
            case "rmsprop" -> meta.addProperty("alpha", 0.9);
            default -> throw new AssertionError(c.name() + ": optimizer '" + c.string("algo") + "' is not implemented");
        }
        return new GoldenCase(c.name() + " (group b)", meta, c.file());
    }

    /** Group b as overrides of the case's settings. */
    private static ParamGroup groupB(GoldenCase other, Tensor b) {
        ParamGroup group = ParamGroup.of(List.of(b)).lr(other.number("lr", Double.NaN))
                .weightDecay(other.number("weight_decay", Double.NaN));
        return switch (other.string("algo")) {
            case "sgd" -> group.momentum(other.number("momentum", Double.NaN));
            case "adam", "adamw" -> group.betas(other.number("beta1", Double.NaN), other.number("beta2", Double.NaN));
            default -> group.alpha(other.number("alpha", Double.NaN));
        };
    }
}
