package io.isthmus.golden;

import io.isthmus.nn.MhaOptions;
import io.isthmus.nn.Module;
import io.isthmus.nn.TransformerDecoderLayer;
import io.isthmus.nn.TransformerEncoderLayer;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The golden transformer layers (encoder post-norm and pre-norm with gelu and a causal mask,
 * decoder with relu and a causal self-attention) built with the case's settings, PyTorch's state
 * dict loaded by name: output and the gradients of the inputs and of every named parameter of
 * sum(out * grad_out), within 1e-5 absolute + 1e-4 relative.
 */
class TransformerLayerGoldenTest {

    private static final double ATOL = 1e-5;
    private static final double RTOL = 1e-4;
    static final GoldenSuite SUITE = GoldenSuite.published("transformer_encoder_layer",
            "transformer_encoder_layer_prenorm", "transformer_decoder_layer");

    @TestFactory
    Stream<DynamicTest> matchesPyTorch() {
        return SUITE.cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    private static void check(GoldenCase c) {
        int d = (int) c.number("d_model", 0);
        int nhead = (int) c.number("nhead", 0);
        int ff = (int) c.number("dim_feedforward", 0);
        String act = c.string("activation");
        double eps = c.number("eps", 1e-5);
        boolean normFirst = c.flag("norm_first", false);
        boolean decoder = c.op().equals("transformer_decoder_layer");
        Module layer = decoder
                ? new TransformerDecoderLayer(d, nhead, ff, 0f, act, eps, true, normFirst, new SplittableRandom(1))
                : new TransformerEncoderLayer(d, nhead, ff, 0f, act, eps, true, normFirst, new SplittableRandom(1));
        Map<String, Tensor> state = new HashMap<>();
        for (String name : layer.namedParameters().keySet()) {
            state.put(name, c.tensor(name));
        }
        layer.loadStateDict(state);
        Tensor x = c.tensor("x").requiresGrad(true);
        Tensor memory = decoder ? c.tensor("memory").requiresGrad(true) : null;
        Tensor out = decoder
                ? ((TransformerDecoderLayer) layer).forward(x, memory,
                        MhaOptions.NONE.withCausal(c.flag("causal_self_attention", false)), MhaOptions.NONE)
                : ((TransformerEncoderLayer) layer).forward(x, MhaOptions.NONE.withCausal(c.flag("causal", false)));
        GoldenCases.assertClose(c.name() + " out", c.tensor("out").data(), out.data(), ATOL, RTOL);
        out.backward(c.tensor("grad_out").data());
        GoldenCases.assertClose(c.name() + " grad.x", c.tensor("grad.x").data(), x.grad(), ATOL, RTOL);
        if (decoder) {
            GoldenCases.assertClose(c.name() + " grad.memory", c.tensor("grad.memory").data(), memory.grad(), ATOL, RTOL);
        }
        layer.namedParameters().forEach((name, p) -> GoldenCases.assertClose(c.name() + " grad." + name,
                c.tensor("grad." + name).data(), p.grad(), ATOL, RTOL));
    }
}
