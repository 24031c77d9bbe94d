package io.isthmus.golden;

import io.isthmus.ops.Conv;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.stream.Stream;

/**
 * Every golden case of conv2d (1x1, 3x3 stride 1 and 2 with padding 1, 5x5 without padding):
 * forward output and the gradients of sum(out * grad_out) for x, weight and bias, within 1e-5
 * absolute + 1e-4 relative.
 */
class ConvGoldenTest {

    private static final double ATOL = 1e-5;
    private static final double RTOL = 1e-4;
    static final GoldenSuite SUITE = GoldenSuite.published("conv2d_1x1", "conv2d_3x3_s1_p1", "conv2d_3x3_s2_p1",
            "conv2d_5x5_s1_p0");

    @TestFactory
    Stream<DynamicTest> matchesPyTorch() {
        return SUITE.cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    private static void check(GoldenCase c) {
        if (!c.op().equals("conv2d")) {
            throw new AssertionError("unexpected op " + c.op());
        }
        Tensor x = c.tensor("x").requiresGrad(true);
        Tensor weight = c.tensor("weight").requiresGrad(true);
        Tensor bias = c.tensor("bias").requiresGrad(true);
        Tensor out = Conv.conv2d(x, weight, bias, ConvOddSizesTest.options(c));
        GoldenCases.assertClose(c.name() + " out", c.tensor("out").data(), out.data(), ATOL, RTOL);
        out.backward(c.tensor("grad_out").data());
        GoldenCases.assertClose(c.name() + " grad.x", c.tensor("grad.x").data(), x.grad(), ATOL, RTOL);
        GoldenCases.assertClose(c.name() + " grad.weight", c.tensor("grad.weight").data(), weight.grad(), ATOL, RTOL);
        GoldenCases.assertClose(c.name() + " grad.bias", c.tensor("grad.bias").data(), bias.grad(), ATOL, RTOL);
    }
}
