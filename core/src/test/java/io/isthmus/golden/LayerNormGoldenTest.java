package io.isthmus.golden;

import io.isthmus.nn.LayerNorm;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.stream.Stream;

/**
 * The golden layer-norm case through {@link LayerNorm} with the case's eps, weight and bias:
 * output and the gradients of x, weight and bias of sum(out * grad_out), within 1e-5 absolute +
 * 1e-4 relative.
 */
class LayerNormGoldenTest {

    private static final double ATOL = 1e-5;
    private static final double RTOL = 1e-4;
    static final GoldenSuite SUITE = GoldenSuite.published("layernorm");

    @TestFactory
    Stream<DynamicTest> matchesPyTorch() {
        return SUITE.cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    private static void check(GoldenCase c) {
        Tensor x = c.tensor("x").requiresGrad(true);
        int d = x.size(x.dim() - 1);
        LayerNorm layer = new LayerNorm(d, c.number("eps", 1e-5));
        System.arraycopy(c.tensor("weight").data(), 0, layer.weight().data(), 0, d);
        System.arraycopy(c.tensor("bias").data(), 0, layer.bias().data(), 0, d);
        Tensor out = layer.forward(x);
        GoldenCases.assertClose(c.name() + " out", c.tensor("out").data(), out.data(), ATOL, RTOL);
        out.backward(c.tensor("grad_out").data());
        GoldenCases.assertClose(c.name() + " grad.x", c.tensor("grad.x").data(), x.grad(), ATOL, RTOL);
        GoldenCases.assertClose(c.name() + " grad.weight", c.tensor("grad.weight").data(), layer.weight().grad(), ATOL, RTOL);
        GoldenCases.assertClose(c.name() + " grad.bias", c.tensor("grad.bias").data(), layer.bias().grad(), ATOL, RTOL);
    }
}
