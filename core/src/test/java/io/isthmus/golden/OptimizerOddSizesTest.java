package io.isthmus.golden;

import io.isthmus.optim.Adam;
import io.isthmus.optim.AdamW;
import io.isthmus.optim.Optimizer;
import io.isthmus.optim.RMSprop;
import io.isthmus.optim.SGD;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The optimizers of the golden cases of {@link OptimizerGoldenTest}, with each case's settings and
 * step count, on parameters of odd lengths (the vector kernels' tails): after every step the
 * parameter must match a float64 implementation of PyTorch's update within 1e-5 absolute + 1e-4
 * relative.
 */
class OptimizerOddSizesTest {

    static final GoldenSuite SUITE = GoldenSuite.oddSizes("sgd", "sgd_momentum_nesterov_wd", "adam", "adamw", "rmsprop");

    private static final double ATOL = 1e-5;
    private static final double RTOL = 1e-4;
    private static final int[] LENGTHS = {1, 7, 17, 33, 127, 1031};

    @TestFactory
    Stream<DynamicTest> matchesTheFloat64ReferenceOnOddSizes() {
        return SUITE.cases().stream().flatMap(c -> Arrays.stream(LENGTHS).mapToObj(n ->
                DynamicTest.dynamicTest(c.name() + " [" + n + "]", () -> check(c, n))));
    }

    private static void check(GoldenCase c, int n) {
        Set<String> settings = new HashSet<>(c.meta().keySet());
        settings.removeAll(Set.of("op", "algo", "steps", "lr", "momentum", "dampening", "nesterov", "weight_decay",
                "beta1", "beta2", "eps", "alpha", "centered"));
        if (!settings.isEmpty()) {
            throw new AssertionError(c.name() + ": settings " + settings + " are not understood by this test");
        }
        SplittableRandom random = new SplittableRandom(n);
        float[] start = DoubleReference.uniform(random, n, -1, 1, 0);
        Tensor param = Tensor.of(start.clone(), n).requiresGrad(true);
        Optimizer optimizer = optimizer(c, List.of(param));
        Reference reference = new Reference(c, DoubleReference.widen(start));
        int steps = (int) c.number("steps", Double.NaN);
        for (int k = 0; k < steps; k++) {
            float[] grad = DoubleReference.uniform(random, n, -1, 1, 0);
            param.setGrad(java.util.Arrays.copyOf(grad, n));
            optimizer.step();
            reference.step(DoubleReference.widen(grad));
            DoubleReference.assertClose(c.name() + " [" + n + "] after step " + k, reference.param, param.data(), ATOL, RTOL);
        }
    }

    private static Optimizer optimizer(GoldenCase c, List<Tensor> params) {
        double lr = c.number("lr", Double.NaN);
        return switch (c.string("algo")) {
            case "sgd" -> SGD.builder(lr).momentum(c.number("momentum", 0)).dampening(c.number("dampening", 0))
                    .nesterov(c.flag("nesterov", false)).weightDecay(c.number("weight_decay", 0)).build(params);
            case "adam" -> Adam.builder(lr).betas(c.number("beta1", 0.9), c.number("beta2", 0.999))
                    .eps(c.number("eps", 1e-8)).weightDecay(c.number("weight_decay", 0)).build(params);
            case "adamw" -> AdamW.builder(lr).betas(c.number("beta1", 0.9), c.number("beta2", 0.999))
                    .eps(c.number("eps", 1e-8)).weightDecay(c.number("weight_decay", 0.01)).build(params);
            case "rmsprop" -> RMSprop.builder(lr).alpha(c.number("alpha", 0.99)).eps(c.number("eps", 1e-8))
                    .weightDecay(c.number("weight_decay", 0)).momentum(c.number("momentum", 0))
                    .centered(c.flag("centered", false)).build(params);
            default -> throw new AssertionError(c.name() + ": optimizer '" + c.string("algo") + "' is not implemented");
        };
    }

    /** PyTorch's update rules (torch.optim.SGD, Adam, AdamW, RMSprop) in float64, with PyTorch's defaults. */
    private static final class Reference {
        private final GoldenCase c;
        private final String algo;
        private final double[] param;
        private final double[] first;
        private final double[] second;
        private int t;

        Reference(GoldenCase c, double[] param) {
            this.c = c;
            this.algo = c.string("algo");
            this.param = param;
            this.first = new double[param.length];
            this.second = new double[param.length];
        }

        void step(double[] grad) {
            t++;
            double lr = c.number("lr", Double.NaN);
            boolean decoupled = algo.equals("adamw");
            double wd = c.number("weight_decay", decoupled ? 0.01 : 0);
            for (int i = 0; i < param.length; i++) {
                double g = decoupled ? grad[i] : grad[i] + wd * param[i];
                if (decoupled) {
                    param[i] *= 1 - lr * wd;
                }
                param[i] -= lr * direction(i, g);
            }
        }

        /** The step direction for element i (the parameter moves by -lr times it); updates the state. */
        private double direction(int i, double g) {
            switch (algo) {
                case "sgd" -> {
                    double momentum = c.number("momentum", 0);
                    if (momentum == 0) {
                        return g;
                    }
                    first[i] = t == 1 ? g : momentum * first[i] + (1 - c.number("dampening", 0)) * g;
                    return c.flag("nesterov", false) ? g + momentum * first[i] : first[i];
                }
                case "adam", "adamw" -> {
                    double beta1 = c.number("beta1", 0.9);
                    double beta2 = c.number("beta2", 0.999);
                    first[i] = beta1 * first[i] + (1 - beta1) * g;
                    second[i] = beta2 * second[i] + (1 - beta2) * g * g;
                    double denom = Math.sqrt(second[i]) / Math.sqrt(1 - Math.pow(beta2, t)) + c.number("eps", 1e-8);
                    return first[i] / (1 - Math.pow(beta1, t)) / denom;
                }
                case "rmsprop" -> {
                    if (c.number("momentum", 0) != 0 || c.flag("centered", false)) {
                        throw new AssertionError(c.name() + ": the reference has no RMSprop momentum or centering");
                    }
                    double alpha = c.number("alpha", 0.99);
                    second[i] = alpha * second[i] + (1 - alpha) * g * g;
                    return g / (Math.sqrt(second[i]) + c.number("eps", 1e-8));
                }
                default -> throw new AssertionError(c.name() + ": no reference for optimizer '" + algo + "'");
            }
        }
    }
}
