package io.isthmus.golden;

import io.isthmus.ops.Activations;
import io.isthmus.ops.Linear;
import io.isthmus.ops.Softmax;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Every golden case of linear, the activations, softmax and log_softmax: forward output and the
 * gradients of sum(out * grad_out), within 1e-5 absolute + 1e-4 relative.
 */
class OpsGoldenTest {

    private static final double ATOL = 1e-5;
    private static final double RTOL = 1e-4;
    static final GoldenSuite SUITE = GoldenSuite.published("act_elu", "act_gelu", "act_gelu_tanh", "act_leaky_relu",
            "act_relu", "act_sigmoid", "act_silu", "act_tanh", "linear", "softmax", "log_softmax");

    static final Map<String, Function<Tensor, Tensor>> ACTIVATIONS = Map.of(
            "relu", Activations::relu,
            "leaky_relu", x -> Activations.leakyRelu(x, 0.01f),
            "elu", x -> Activations.elu(x, 1f),
            "sigmoid", Activations::sigmoid,
            "tanh", Activations::tanh,
            "gelu", Activations::gelu,
            "gelu_tanh", Activations::geluTanh,
            "silu", Activations::silu);

    @TestFactory
    Stream<DynamicTest> matchesPyTorch() {
        return SUITE.cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    private static void check(GoldenCase c) {
        Tensor x = c.tensor("x").requiresGrad(true);
        Tensor out;
        Tensor weight = null;
        Tensor bias = null;
        switch (c.op()) {
            case "linear" -> {
                weight = c.tensor("weight").requiresGrad(true);
                bias = c.tensor("bias").requiresGrad(true);
                out = Linear.linear(x, weight, bias);
            }
            case "activation" -> {
                Function<Tensor, Tensor> fn = ACTIVATIONS.get(c.string("fn"));
                if (fn == null) {
                    throw new AssertionError(c.name() + ": activation '" + c.string("fn") + "' is not implemented");
                }
                out = fn.apply(x);
            }
            case "softmax" -> out = Softmax.softmax(x, (int) c.number("dim", -1));
            case "log_softmax" -> out = Softmax.logSoftmax(x, (int) c.number("dim", -1));
            default -> throw new AssertionError("unexpected op " + c.op());
        }
        GoldenCases.assertClose(c.name() + " out", c.tensor("out").data(), out.data(), ATOL, RTOL);
        out.backward(c.tensor("grad_out").data());
        GoldenCases.assertClose(c.name() + " grad.x", c.tensor("grad.x").data(), x.grad(), ATOL, RTOL);
        if (weight != null) {
            GoldenCases.assertClose(c.name() + " grad.weight", c.tensor("grad.weight").data(), weight.grad(), ATOL, RTOL);
            GoldenCases.assertClose(c.name() + " grad.bias", c.tensor("grad.bias").data(), bias.grad(), ATOL, RTOL);
        }
    }
}
