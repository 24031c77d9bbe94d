package io.isthmus.golden;

import io.isthmus.optim.Adam;
import io.isthmus.optim.AdamW;
import io.isthmus.optim.Optimizer;
import io.isthmus.optim.ParamGroup;
import io.isthmus.optim.RMSprop;
import io.isthmus.optim.SGD;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every golden optimizer case (sgd, sgd_momentum_nesterov_wd, adam, adamw, rmsprop): from
 * {@code param}, step k with gradient {@code grad<k>} must give {@code param_after<k>}, within
 * 1e-5 absolute + 1e-4 relative. The optimizer is built from the case's settings; a setting the
 * test does not understand, or an unknown algorithm, fails the case. Every step is checked
 * against its own {@code param_after<k>}; the files once stored the final parameter under every
 * k, so a case whose stored steps are not distinct fails rather than passing on the last step.
 */
class OptimizerGoldenTest {

    private static final double ATOL = 1e-5;
    private static final double RTOL = 1e-4;
    static final GoldenSuite SUITE = GoldenSuite.published("sgd", "sgd_momentum_nesterov_wd", "adam", "adamw", "rmsprop");

    @TestFactory
    Stream<DynamicTest> matchesPyTorch() {
        return SUITE.cases().stream()
                .map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    private static void check(GoldenCase c) {
        Tensor param = c.tensor("param").requiresGrad(true);
        Optimizer optimizer = optimizer(c, List.of(ParamGroup.of(List.of(param))));
        int steps = (int) c.number("steps", Double.NaN);
        assertTrue(steps >= 2, c.name() + ": steps = " + steps);
        float[] before = param.data().clone();
        for (int k = 0; k < steps; k++) {
            float[] expected = c.tensor("param_after" + k).data();
            // a file storing one tensor for every step would let a wrong early step pass
            assertFalse(Arrays.equals(before, expected), c.name() + ": param_after" + k + " equals the parameter before step "
                    + k + "; the golden file does not store one state per step");
            float[] grad = c.tensor("grad" + k).data();
            param.setGrad(java.util.Arrays.copyOf(grad, grad.length));
            optimizer.step();
            GoldenCases.assertClose(c.name() + " param_after" + k, expected, param.data(), ATOL, RTOL);
            before = expected;
        }
    }

    /** The case's optimizer over {@code params}; fails on a setting or algorithm this test does not know. */
    static Optimizer optimizer(GoldenCase c, Collection<ParamGroup> params) {
        Set<String> settings = new HashSet<>(c.meta().keySet());
        settings.removeAll(Set.of("op", "algo", "steps", "lr"));
        double lr = c.number("lr", Double.NaN);
        Optimizer optimizer = switch (c.string("algo")) {
            case "sgd" -> {
                settings.removeAll(Set.of("momentum", "dampening", "nesterov", "weight_decay"));
                yield SGD.builder(lr)
                        .momentum(c.number("momentum", 0))
                        .dampening(c.number("dampening", 0))
                        .nesterov(c.flag("nesterov", false))
                        .weightDecay(c.number("weight_decay", 0))
                        .build(params);
            }
            case "adam", "adamw" -> {
                settings.removeAll(Set.of("beta1", "beta2", "eps", "weight_decay"));
                double beta1 = c.number("beta1", 0.9);
                double beta2 = c.number("beta2", 0.999);
                double eps = c.number("eps", 1e-8);
                yield c.string("algo").equals("adam")
                        ? Adam.builder(lr).betas(beta1, beta2).eps(eps).weightDecay(c.number("weight_decay", 0)).build(params)
                        : AdamW.builder(lr).betas(beta1, beta2).eps(eps).weightDecay(c.number("weight_decay", 0.01))
                        .build(params);
            }
            case "rmsprop" -> {
                settings.removeAll(Set.of("alpha", "eps", "weight_decay", "momentum", "centered"));
                yield RMSprop.builder(lr)
                        .alpha(c.number("alpha", 0.99))
                        .eps(c.number("eps", 1e-8))
                        .weightDecay(c.number("weight_decay", 0))
                        .momentum(c.number("momentum", 0))
                        .centered(c.flag("centered", false))
                        .build(params);
            }
            default -> throw new AssertionError(c.name() + ": optimizer '" + c.string("algo") + "' is not implemented");
        };
        if (!settings.isEmpty()) {
            throw new AssertionError(c.name() + ": settings " + settings + " are not understood by this test");
        }
        return optimizer;
    }
}
