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

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The rnn_tanh, lstm and gru cases' cells on odd sizes, stacked, bidirectional and batch-first:
 * the modules' output and final states against the float64 {@link RecurrentReference}, and the
 * gradients of sum(output * g) + sum(h_n * g_h) (+ sum(c_n * g_c)) for the input, the initial
 * states and every parameter against float64 central differences of that reference, within
 * 1e-5 absolute + 1e-4 relative (gradients 3e-5 absolute).
 */
class RecurrentOddSizesTest {

    static final GoldenSuite SUITE = GoldenSuite.oddSizes("rnn_tanh", "lstm", "gru");

    private static final double ATOL = 1e-5;
    private static final double GRAD_ATOL = 3e-5;
    private static final double RTOL = 1e-4;

    /** {T, B, I, H, layers, bidirectional, batchFirst, initial states}, flags as 0/1. */
    private static final int[][] SIZES = {{1, 1, 3, 7, 1, 0, 0, 1}, {13, 5, 3, 7, 1, 0, 0, 1}, {4, 2, 1, 1, 1, 0, 0, 0},
            {5, 3, 3, 7, 2, 0, 0, 1}, {4, 3, 5, 6, 1, 1, 0, 1}, {3, 2, 3, 5, 2, 1, 1, 1}, {6, 1, 17, 3, 1, 0, 1, 0},
            {2, 7, 4, 2, 3, 1, 0, 0}};

    @TestFactory
    Stream<DynamicTest> matchesTheFloat64ReferenceOnOddSizes() {
        return SUITE.cases().stream().flatMap(c -> Arrays.stream(SIZES).map(s ->
                DynamicTest.dynamicTest(c.name() + " " + Arrays.toString(s), () -> check(c.op(), s))));
    }

    /** The relu RNN (no golden case of its own) on the same sizes; central differences at 1e-6 stay off its kink. */
    @TestFactory
    Stream<DynamicTest> reluCellMatchesTheFloat64Reference() {
        return Arrays.stream(SIZES).map(s -> DynamicTest.dynamicTest("rnn_relu " + Arrays.toString(s),
                () -> check("rnn_relu", s)));
    }

    static RecurrentLayer module(String op, int input, int hidden, int layers, boolean bidirectional,
                                 boolean batchFirst, SplittableRandom random) {
        return switch (op) {
            case "rnn_tanh" -> RNN.builder(input, hidden).numLayers(layers).bidirectional(bidirectional)
                    .batchFirst(batchFirst).random(random).build();
            case "rnn_relu" -> RNN.builder(input, hidden).nonlinearity("relu").numLayers(layers)
                    .bidirectional(bidirectional).batchFirst(batchFirst).random(random).build();
            case "lstm" -> LSTM.builder(input, hidden).numLayers(layers).bidirectional(bidirectional)
                    .batchFirst(batchFirst).random(random).build();
            case "gru" -> GRU.builder(input, hidden).numLayers(layers).bidirectional(bidirectional)
                    .batchFirst(batchFirst).random(random).build();
            default -> throw new AssertionError("unexpected op " + op);
        };
    }

    private static void check(String op, int[] z) {
        int steps = z[0];
        int batch = z[1];
        int input = z[2];
        int hidden = z[3];
        int layers = z[4];
        boolean bidirectional = z[5] == 1;
        boolean batchFirst = z[6] == 1;
        boolean initial = z[7] == 1;
        int dirs = bidirectional ? 2 : 1;
        boolean lstm = op.equals("lstm");
        SplittableRandom random = new SplittableRandom(Arrays.hashCode(z) + 31L * op.hashCode());
        RecurrentLayer module = module(op, input, hidden, layers, bidirectional, batchFirst, random);
        float[] xTimeMajor = DoubleReference.uniform(random, steps * batch * input, -1, 1, 0);
        int stateSize = layers * dirs * batch * hidden;
        float[] h0 = initial ? DoubleReference.uniform(random, stateSize, -1, 1, 0) : null;
        float[] c0 = initial && lstm ? DoubleReference.uniform(random, stateSize, -1, 1, 0) : null;
        float[] gOut = DoubleReference.uniform(random, steps * batch * dirs * hidden, -1, 1, 0);
        float[] gH = DoubleReference.uniform(random, stateSize, -1, 1, 0);
        float[] gC = DoubleReference.uniform(random, stateSize, -1, 1, 0);

        Tensor x = batchFirst ? Tensor.of(swapFirstAxes(xTimeMajor, steps, batch, input), batch, steps, input)
                : Tensor.of(xTimeMajor.clone(), steps, batch, input);
        x.requiresGrad(true);
        Tensor h0t = h0 == null ? null : Tensor.of(h0.clone(), layers * dirs, batch, hidden).requiresGrad(true);
        Tensor c0t = c0 == null ? null : Tensor.of(c0.clone(), layers * dirs, batch, hidden).requiresGrad(true);
        Tensor[] outs = forward(module, x, h0t, c0t);
        float[] gOutLayout = batchFirst ? swapFirstAxes(gOut, steps, batch, dirs * hidden) : gOut;
        Tensor loss = outs[0].mul(Tensor.of(gOutLayout, outs[0].shape())).sum()
                .add(outs[1].mul(Tensor.of(gH.clone(), outs[1].shape())).sum());
        if (lstm) {
            loss = loss.add(outs[2].mul(Tensor.of(gC.clone(), outs[2].shape())).sum());
        }
        loss.backward();

        // the reference, on the module's own parameters
        Map<String, Tensor> params = module.namedParameters();
        List<String> names = new ArrayList<>(params.keySet());
        List<double[][]> weights = new ArrayList<>();
        for (int idx = 0; idx < layers * dirs; idx++) {
            String suffix = "_l" + idx / dirs + (idx % dirs == 1 ? "_reverse" : "");
            weights.add(new double[][]{DoubleReference.widen(params.get("weight_ih" + suffix).data()),
                    DoubleReference.widen(params.get("weight_hh" + suffix).data()),
                    DoubleReference.widen(params.get("bias_ih" + suffix).data()),
                    DoubleReference.widen(params.get("bias_hh" + suffix).data())});
        }
        RecurrentReference ref = new RecurrentReference(op, layers, dirs, hidden);
        double[] xd = DoubleReference.widen(xTimeMajor);
        double[] h0d = h0 == null ? null : DoubleReference.widen(h0);
        double[] c0d = c0 == null ? null : DoubleReference.widen(c0);
        double[] gOutD = DoubleReference.widen(gOut);
        double[] gHD = DoubleReference.widen(gH);
        double[] gCD = DoubleReference.widen(gC);
        RecurrentReference.Result expected = ref.run(xd, steps, batch, input, weights, h0d, c0d);
        String what = op + " " + Arrays.toString(z);
        float[] outTimeMajor = batchFirst ? swapFirstAxes(outs[0].data(), batch, steps, dirs * hidden) : outs[0].data();
        DoubleReference.assertClose(what + " output", expected.output(), outTimeMajor, ATOL, RTOL);
        DoubleReference.assertClose(what + " h_n", expected.hN(), outs[1].data(), ATOL, RTOL);
        if (lstm) {
            DoubleReference.assertClose(what + " c_n", expected.cN(), outs[2].data(), ATOL, RTOL);
        }

        java.util.function.Supplier<Double> loss64 = () -> {
            RecurrentReference.Result r = ref.run(xd, steps, batch, input, weights, h0d, c0d);
            return DoubleReference.dot(r.output(), gOutD) + DoubleReference.dot(r.hN(), gHD)
                    + (lstm ? DoubleReference.dot(r.cN(), gCD) : 0);
        };
        double[] gradX = DoubleReference.gradient(v -> loss64.get(), xd);
        float[] xGrad = batchFirst ? swapFirstAxes(x.grad(), batch, steps, input) : x.grad();
        DoubleReference.assertClose(what + " grad.x", gradX, xGrad, GRAD_ATOL, RTOL);
        if (h0d != null) {
            DoubleReference.assertClose(what + " grad.h0", DoubleReference.gradient(v -> loss64.get(), h0d), h0t.grad(),
                    GRAD_ATOL, RTOL);
        }
        if (c0d != null) {
            DoubleReference.assertClose(what + " grad.c0", DoubleReference.gradient(v -> loss64.get(), c0d), c0t.grad(),
                    GRAD_ATOL, RTOL);
        }
        for (String name : names) {
            int idx = layerDirection(name, dirs);
            int which = name.startsWith("weight_ih") ? 0 : name.startsWith("weight_hh") ? 1
                    : name.startsWith("bias_ih") ? 2 : 3;
            DoubleReference.assertClose(what + " grad." + name,
                    DoubleReference.gradient(v -> loss64.get(), weights.get(idx)[which]), params.get(name).grad(),
                    GRAD_ATOL, RTOL);
        }
    }

    /** weight_ih_l1_reverse -> 1 * dirs + 1. */
    private static int layerDirection(String name, int dirs) {
        String rest = name.substring(name.indexOf("_l") + 2);
        boolean reverse = rest.endsWith("_reverse");
        int layer = Integer.parseInt(reverse ? rest.substring(0, rest.length() - "_reverse".length()) : rest);
        return layer * dirs + (reverse ? 1 : 0);
    }

    static Tensor[] forward(RecurrentLayer module, Tensor x, Tensor h0, Tensor c0) {
        if (module instanceof LSTM lstm) {
            LstmOutput r = lstm.forward(x, h0, c0);
            return new Tensor[]{r.output(), r.hidden(), r.cell()};
        }
        RecurrentOutput r = module instanceof RNN rnn ? rnn.forward(x, h0) : ((GRU) module).forward(x, h0);
        return new Tensor[]{r.output(), r.hidden()};
    }

    /** [a, b, c] -> [b, a, c]. */
    static float[] swapFirstAxes(float[] v, int a, int b, int c) {
        float[] out = new float[v.length];
        for (int i = 0; i < a; i++) {
            for (int j = 0; j < b; j++) {
                System.arraycopy(v, (i * b + j) * c, out, (j * a + i) * c, c);
            }
        }
        return out;
    }
}
