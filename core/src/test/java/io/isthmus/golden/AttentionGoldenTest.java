package io.isthmus.golden;

import io.isthmus.ops.Attention;
import io.isthmus.ops.AttentionMask;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.stream.Stream;

/**
 * Every golden case of scaled dot-product attention (self, causal, cross with Tk != Tq): the
 * fused op's output and the gradients of q, k and v against PyTorch's.
 */
class AttentionGoldenTest {

    static final GoldenSuite SUITE = GoldenSuite.published("sdpa", "sdpa_causal", "sdpa_cross");

    private static final double ATOL = 1e-5;
    private static final double RTOL = 1e-4;

    @TestFactory
    Stream<DynamicTest> matchesPyTorch() {
        return SUITE.cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    private static void check(GoldenCase c) {
        Tensor q = c.tensor("q").requiresGrad(true);
        Tensor k = c.tensor("k").requiresGrad(true);
        Tensor v = c.tensor("v").requiresGrad(true);
        AttentionMask mask = c.flag("causal", false) ? AttentionMask.CAUSAL : AttentionMask.NONE;
        Tensor out = Attention.scaledDotProduct(q, k, v, mask);
        GoldenCases.assertClose(c.name() + " out", c.tensor("out").data(), out.data(), ATOL, RTOL);
        out.backward(c.tensor("grad_out").data());
        GoldenCases.assertClose(c.name() + " grad.q", c.tensor("grad.q").data(), q.grad(), ATOL, RTOL);
        GoldenCases.assertClose(c.name() + " grad.k", c.tensor("grad.k").data(), k.grad(), ATOL, RTOL);
        GoldenCases.assertClose(c.name() + " grad.v", c.tensor("grad.v").data(), v.grad(), ATOL, RTOL);
    }
}
