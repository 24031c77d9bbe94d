package io.isthmus.golden;

import io.isthmus.nn.GRU;
import io.isthmus.nn.LSTM;
import io.isthmus.nn.LstmOutput;
import io.isthmus.nn.RNN;
import io.isthmus.nn.RecurrentLayer;
import io.isthmus.nn.RecurrentOutput;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The golden rnn_tanh, lstm and gru cases through the modules: the case's weights load as a
 * PyTorch state dict, the forward from its h0 (and c0) gives out0 (every h), out1 (h_T) and
 * out2 (c_T), and the gradients of sum(out0 * grad_out0) + sum(out1 * grad_out1) (+ out2's) for
 * x, the initial states and every parameter match, within 1e-5 absolute + 1e-4 relative
 * (gradients 3e-5 absolute: they accumulate through time).
 */
class RecurrentGoldenTest {

    private static final double ATOL = 1e-5;
    private static final double GRAD_ATOL = 3e-5;
    private static final double RTOL = 1e-4;
    static final GoldenSuite SUITE = GoldenSuite.published("rnn_tanh", "lstm", "gru");
    private static final String[] PARAMETERS = {"weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"};

    @TestFactory
    Stream<DynamicTest> matchesPyTorch() {
        return SUITE.cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    private static void check(GoldenCase c) {
        int input = (int) c.number("input_size", 0);
        int hidden = (int) c.number("hidden_size", 0);
        RecurrentLayer module = switch (c.op()) {
            case "rnn_tanh" -> new RNN(input, hidden);
            case "lstm" -> new LSTM(input, hidden);
            case "gru" -> new GRU(input, hidden);
            default -> throw new AssertionError("unexpected op " + c.op());
        };
        Map<String, Tensor> state = new LinkedHashMap<>();
        for (String name : PARAMETERS) {
            state.put(name, c.tensor(name));
        }
        module.loadStateDict(state);
        Tensor x = c.tensor("x").requiresGrad(true);
        Tensor h0 = c.tensor("h0").requiresGrad(true);
        boolean lstm = c.op().equals("lstm");
        Tensor c0 = lstm ? c.tensor("c0").requiresGrad(true) : null;
        Tensor[] outs;
        if (lstm) {
            LstmOutput r = ((LSTM) module).forward(x, h0, c0);
            outs = new Tensor[]{r.output(), r.hidden(), r.cell()};
        } else {
            RecurrentOutput r = module instanceof RNN rnn ? rnn.forward(x, h0) : ((GRU) module).forward(x, h0);
            outs = new Tensor[]{r.output(), r.hidden()};
        }
        Tensor loss = null;
        for (int i = 0; i < outs.length; i++) {
            GoldenCases.assertClose(c.name() + " out" + i, c.tensor("out" + i).data(), outs[i].data(), ATOL, RTOL);
            Tensor term = outs[i].mul(c.tensor("grad_out" + i)).sum();
            loss = loss == null ? term : loss.add(term);
        }
        loss.backward();
        GoldenCases.assertClose(c.name() + " grad.x", c.tensor("grad.x").data(), x.grad(), GRAD_ATOL, RTOL);
        GoldenCases.assertClose(c.name() + " grad.h0", c.tensor("grad.h0").data(), h0.grad(), GRAD_ATOL, RTOL);
        if (lstm) {
            GoldenCases.assertClose(c.name() + " grad.c0", c.tensor("grad.c0").data(), c0.grad(), GRAD_ATOL, RTOL);
        }
        Map<String, Tensor> params = module.namedParameters();
        for (String name : PARAMETERS) {
            GoldenCases.assertClose(c.name() + " grad." + name, c.tensor("grad." + name).data(), params.get(name).grad(),
                    GRAD_ATOL, RTOL);
        }
    }
}
