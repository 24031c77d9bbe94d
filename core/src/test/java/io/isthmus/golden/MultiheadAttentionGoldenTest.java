package io.isthmus.golden;

import io.isthmus.nn.MhaOptions;
import io.isthmus.nn.MultiheadAttention;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The golden MultiheadAttention cases (batch_first, self-attention causal and cross-attention on a
 * memory) with PyTorch's parameters loaded: output and the gradients of the inputs and of every
 * parameter of sum(out * grad_out), within 1e-5 absolute + 1e-4 relative.
 */
class MultiheadAttentionGoldenTest {

    private static final double ATOL = 1e-5;
    private static final double RTOL = 1e-4;
    static final GoldenSuite SUITE = GoldenSuite.published("mha_self_causal", "mha_cross");

    @TestFactory
    Stream<DynamicTest> matchesPyTorch() {
        return SUITE.cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    static MultiheadAttention load(GoldenCase c) {
        MultiheadAttention mha = new MultiheadAttention((int) c.number("embed_dim", 0), (int) c.number("num_heads", 0),
                0f, true, new SplittableRandom(1));
        copy(c.tensor("in_proj_weight"), mha.inProjWeight());
        copy(c.tensor("in_proj_bias"), mha.inProjBias());
        copy(c.tensor("out_proj.weight"), mha.outProj().weight());
        copy(c.tensor("out_proj.bias"), mha.outProj().bias());
        return mha;
    }

    private static void copy(Tensor from, Tensor to) {
        System.arraycopy(from.data(), 0, to.data(), 0, to.numel());
    }

    private static void check(GoldenCase c) {
        MultiheadAttention mha = load(c);
        Tensor x = c.tensor("x").requiresGrad(true);
        boolean cross = c.name().equals("mha_cross");
        Tensor memory = cross ? c.tensor("memory").requiresGrad(true) : x;
        MhaOptions options = MhaOptions.NONE.withCausal(c.flag("causal", false));
        Tensor out = mha.forward(x, memory, memory, options).output();
        GoldenCases.assertClose(c.name() + " out", c.tensor("out").data(), out.data(), ATOL, RTOL);
        out.backward(c.tensor("grad_out").data());
        GoldenCases.assertClose(c.name() + " grad.x", c.tensor("grad.x").data(), x.grad(), ATOL, RTOL);
        if (cross) {
            GoldenCases.assertClose(c.name() + " grad.memory", c.tensor("grad.memory").data(), memory.grad(), ATOL, RTOL);
        }
        GoldenCases.assertClose(c.name() + " grad.in_proj_weight", c.tensor("grad.in_proj_weight").data(),
                mha.inProjWeight().grad(), ATOL, RTOL);
        GoldenCases.assertClose(c.name() + " grad.in_proj_bias", c.tensor("grad.in_proj_bias").data(),
                mha.inProjBias().grad(), ATOL, RTOL);
        GoldenCases.assertClose(c.name() + " grad.out_proj.weight", c.tensor("grad.out_proj.weight").data(),
                mha.outProj().weight().grad(), ATOL, RTOL);
        GoldenCases.assertClose(c.name() + " grad.out_proj.bias", c.tensor("grad.out_proj.bias").data(),
                mha.outProj().bias().grad(), ATOL, RTOL);
    }
}
