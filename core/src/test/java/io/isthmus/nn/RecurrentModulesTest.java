package io.isthmus.nn;

import io.isthmus.ops.ShapeOps;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RNN, LSTM and GRU as modules: PyTorch's parameter names, order, shapes and init; stateful
 * use (a long sequence equals its halves with the state carried); batch-first and unbatched
 * layouts; dropout between layers; settings and input checks.
 */
class RecurrentModulesTest {

    private static Tensor rand(long seed, int... shape) {
        return Tensor.uniform(new SplittableRandom(seed), -1f, 1f, shape);
    }

    @Test
    void parametersHavePyTorchsNamesOrderAndShapes() {
        LSTM lstm = LSTM.builder(3, 5).numLayers(2).bidirectional(true).build();
        List<String> expected = new ArrayList<>();
        for (String layer : new String[]{"_l0", "_l0_reverse", "_l1", "_l1_reverse"}) {
            for (String kind : new String[]{"weight_ih", "weight_hh", "bias_ih", "bias_hh"}) {
                expected.add(kind + layer);
            }
        }
        Map<String, Tensor> params = lstm.namedParameters();
        assertEquals(expected, new ArrayList<>(params.keySet()));
        assertArrayEquals(new int[]{20, 3}, params.get("weight_ih_l0").shape());
        assertArrayEquals(new int[]{20, 5}, params.get("weight_hh_l0_reverse").shape());
        assertArrayEquals(new int[]{20, 10}, params.get("weight_ih_l1").shape(), "layer 1 takes both directions");
        assertArrayEquals(new int[]{20}, params.get("bias_hh_l1_reverse").shape());
        assertEquals(List.of("weight_ih_l0", "weight_hh_l0"),
                new ArrayList<>(GRU.builder(2, 4).bias(false).build().namedParameters().keySet()));
        assertArrayEquals(new int[]{12, 2}, new GRU(2, 4).namedParameters().get("weight_ih_l0").shape());
        assertArrayEquals(new int[]{4, 4}, new RNN(2, 4).namedParameters().get("weight_hh_l0").shape());
        assertEquals("LSTM(3, 5, num_layers=2, bidirectional=True)", lstm.toString());
        assertEquals("RNN(2, 4, batch_first=True, dropout=0.25, nonlinearity='relu')",
                RNN.builder(2, 4).batchFirst(true).dropout(0.25f).nonlinearity("relu").build().toString());
    }

    @Test
    void initIsUniformWithinOneOverSqrtHiddenAndSeeded() {
        GRU a = GRU.builder(6, 16).numLayers(2).random(new SplittableRandom(3)).build();
        GRU b = GRU.builder(6, 16).numLayers(2).random(new SplittableRandom(3)).build();
        double bound = 1 / Math.sqrt(16);
        for (Map.Entry<String, Tensor> e : a.namedParameters().entrySet()) {
            float[] d = e.getValue().data();
            double min = Double.MAX_VALUE;
            double max = -Double.MAX_VALUE;
            for (float v : d) {
                assertTrue(Math.abs(v) <= bound, e.getKey() + " holds " + v + " outside ±" + bound);
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            if (d.length >= 48) {
                // uniform over the whole range: the extremes come near both ends
                assertTrue(max - min > bound, e.getKey() + " spans only [" + min + ", " + max + "]");
            }
            assertArrayEquals(d, b.namedParameters().get(e.getKey()).data(), e.getKey() + " differs for the same seed");
        }
    }

    /** A sequence of 2T steps in one call equals T steps, then T more from the first call's final (detached) state. */
    @Test
    void statefulHalvesEqualTheWholeSequence() {
        int steps = 4;
        for (String kind : new String[]{"rnn", "lstm", "gru"}) {
            RecurrentLayer module = build(kind, 3, 6, 2, false, new SplittableRandom(7));
            Tensor x = rand(8, 2 * steps, 5, 3);
            Tensor first = ShapeOps.slice(x, 0, 0, steps).requiresGrad(true);
            Tensor second = ShapeOps.slice(x, 0, steps, 2 * steps);
            Tensor[] whole = run(module, x, null, null);
            Tensor[] a = run(module, first, null, null);
            Tensor[] b = run(module, second, a[1].detach(), a.length > 2 ? a[2].detach() : null);
            float[] joined = new float[whole[0].numel()];
            System.arraycopy(a[0].data(), 0, joined, 0, a[0].numel());
            System.arraycopy(b[0].data(), 0, joined, a[0].numel(), b[0].numel());
            assertArrayEquals(whole[0].data(), joined, 1e-6f, kind + " output");
            assertArrayEquals(whole[1].data(), b[1].data(), 1e-6f, kind + " final h");
            if (whole.length > 2) {
                assertArrayEquals(whole[2].data(), b[2].data(), 1e-6f, kind + " final c");
            }
            // the carried state is detached: the second window's backward stops at its start
            b[0].sum().backward();
            assertNull(first.grad(), kind + ": gradient crossed the detached state");
            assertNotNull(module.namedParameters().get("weight_hh_l1").grad());
        }
    }

    @Test
    void detachedStateHelpersCutTheGraph() {
        LSTM lstm = new LSTM(2, 3);
        LstmOutput r = lstm.forward(rand(1, 4, 2, 2));
        assertTrue(r.hidden().requiresGrad());
        assertFalse(r.detachedHidden().requiresGrad());
        assertFalse(r.detachedCell().requiresGrad());
        assertArrayEquals(r.cell().data(), r.detachedCell().data());
        RecurrentOutput g = new GRU(2, 3).forward(rand(1, 4, 2, 2));
        assertFalse(g.detachedHidden().requiresGrad());
    }

    @Test
    void batchFirstAndUnbatchedMatchTheTimeMajorLayout() {
        for (String kind : new String[]{"rnn", "lstm", "gru"}) {
            RecurrentLayer timeMajor = build(kind, 3, 4, 2, true, new SplittableRandom(2));
            RecurrentLayer first = buildBatchFirst(kind, 3, 4, 2, true, new SplittableRandom(2));
            Tensor x = rand(3, 5, 2, 3);
            Tensor h0 = rand(4, 4, 2, 4);
            Tensor[] expected = run(timeMajor, x, h0, kind.equals("lstm") ? h0 : null);
            Tensor[] got = run(first, ShapeOps.transpose(x, 0, 1), h0, kind.equals("lstm") ? h0 : null);
            assertArrayEquals(new int[]{2, 5, 8}, got[0].shape());
            assertArrayEquals(ShapeOps.transpose(expected[0], 0, 1).data(), got[0].data(), 1e-6f, kind);
            assertArrayEquals(expected[1].data(), got[1].data(), 1e-6f, kind + " h_n stays [L * D, B, H]");

            // one unbatched sequence [T, I] is batch 1 with the batch axis dropped
            Tensor one = rand(5, 5, 3);
            Tensor[] single = run(timeMajor, one, null, null);
            Tensor[] batched = run(timeMajor, one.reshape(5, 1, 3), null, null);
            assertArrayEquals(new int[]{5, 8}, single[0].shape());
            assertArrayEquals(new int[]{4, 4}, single[1].shape());
            assertArrayEquals(batched[0].data(), single[0].data(), kind);
        }
    }

    @Test
    void dropoutActsBetweenLayersInTrainingOnly() {
        LSTM plain = LSTM.builder(3, 8).numLayers(2).random(new SplittableRandom(1)).build();
        LSTM dropped = LSTM.builder(3, 8).numLayers(2).dropout(0.5f).random(new SplittableRandom(1)).build();
        assertArrayEquals(plain.namedParameters().get("weight_hh_l1").data(),
                dropped.namedParameters().get("weight_hh_l1").data(), "dropout does not change the init draws");
        Tensor x = rand(2, 6, 3, 3);
        float[] reference = plain.forward(x).output().data();
        float[] training = dropped.forward(x).output().data();
        assertFalse(java.util.Arrays.equals(reference, training), "training mode drops units between layers");
        dropped.eval();
        assertArrayEquals(reference, dropped.forward(x).output().data(), "eval mode has no dropout");
        dropped.train();
        long[] state = dropped.randomState();
        float[] again = dropped.forward(x).output().data();
        dropped.setRandomState(state);
        assertArrayEquals(again, dropped.forward(x).output().data(), "the mask comes from the saved random state");
        // one layer: nothing between layers to drop
        LSTM single = LSTM.builder(3, 8).dropout(0.5f).random(new SplittableRandom(1)).build();
        LSTM singlePlain = LSTM.builder(3, 8).random(new SplittableRandom(1)).build();
        assertArrayEquals(singlePlain.forward(x).output().data(), single.forward(x).output().data());
    }

    @Test
    void stateDictRoundTripGivesTheSameOutputs() {
        GRU a = GRU.builder(3, 5).numLayers(2).bidirectional(true).random(new SplittableRandom(1)).build();
        GRU b = GRU.builder(3, 5).numLayers(2).bidirectional(true).random(new SplittableRandom(2)).build();
        Tensor x = rand(3, 4, 2, 3);
        b.loadStateDict(a.stateDict());
        assertArrayEquals(a.forward(x).output().data(), b.forward(x).output().data());
        String m = assertThrows(IllegalArgumentException.class, () -> new GRU(3, 5).loadStateDict(a.stateDict()))
                .getMessage();
        assertTrue(m.contains("unexpected keys [bias_hh_l0_reverse"), m);
    }

    @Test
    void summaryShowsTheOutputShapeAndParameterCount() {
        // batch-first, since the table writes the first axis as N
        LSTM lstm = LSTM.builder(4, 8).batchFirst(true).build();
        String summary = lstm.summary(() -> lstm.forward(Tensor.zeros(2, 5, 4)));
        assertTrue(summary.contains("[N, 5, 8]"), summary);
        // 4 * 8 * (4 + 8) + 2 * 32
        assertTrue(summary.contains("448"), summary);
    }

    @Test
    void badInputsAndSettingsAreNamed() {
        LSTM lstm = LSTM.builder(3, 4).numLayers(2).build();
        String m = assertThrows(IllegalArgumentException.class, () -> lstm.forward(Tensor.zeros(2, 3, 4, 3)))
                .getMessage();
        assertEquals("LSTM(3, 4, num_layers=2) expects input [T, B, I] or unbatched [T, I], got [2, 3, 4, 3] (rank 4)", m);
        m = assertThrows(IllegalArgumentException.class, () -> lstm.forward(Tensor.zeros(2, 3, 5))).getMessage();
        assertEquals("LSTM(3, 4, num_layers=2) expects 3 input features, got input [2, 3, 5]", m);
        m = assertThrows(IllegalArgumentException.class,
                () -> lstm.forward(Tensor.zeros(2, 3, 3), Tensor.zeros(1, 3, 4), null)).getMessage();
        assertEquals("LSTM(3, 4, num_layers=2): h0 must be [num_layers * num_directions, B, H] = [2, 3, 4], got [1, 3, 4]",
                m);
        m = assertThrows(IllegalArgumentException.class,
                () -> lstm.forward(Tensor.zeros(2, 3, 3), null, Tensor.zeros(2, 4, 4))).getMessage();
        assertTrue(m.contains("c0 must be") && m.contains("[2, 3, 4], got [2, 4, 4]"), m);
        m = assertThrows(IllegalArgumentException.class, () -> RNN.builder(2, 3).nonlinearity("sigmoid").build())
                .getMessage();
        assertEquals("RNN nonlinearity must be 'tanh' or 'relu', got 'sigmoid'", m);
        assertThrows(IllegalArgumentException.class, () -> GRU.builder(2, 3).nonlinearity("relu").build());
        m = assertThrows(IllegalArgumentException.class, () -> GRU.builder(2, 0).build()).getMessage();
        assertEquals("gru needs positive sizes, got input_size=2, hidden_size=0", m);
        m = assertThrows(IllegalArgumentException.class, () -> LSTM.builder(2, 3).dropout(1f).build()).getMessage();
        assertEquals("lstm: dropout must be in [0, 1), got 1.0", m);
        m = assertThrows(IllegalArgumentException.class, () -> LSTM.builder(2, 3).numLayers(0).build()).getMessage();
        assertEquals("lstm: num_layers must be at least 1, got 0", m);
    }

    private static RecurrentLayer build(String kind, int in, int hidden, int layers, boolean bidirectional,
                                        SplittableRandom random) {
        return switch (kind) {
            case "rnn" -> RNN.builder(in, hidden).numLayers(layers).bidirectional(bidirectional).random(random).build();
            case "lstm" -> LSTM.builder(in, hidden).numLayers(layers).bidirectional(bidirectional).random(random).build();
            default -> GRU.builder(in, hidden).numLayers(layers).bidirectional(bidirectional).random(random).build();
        };
    }

    private static RecurrentLayer buildBatchFirst(String kind, int in, int hidden, int layers, boolean bidirectional,
                                                  SplittableRandom random) {
        return switch (kind) {
            case "rnn" -> RNN.builder(in, hidden).numLayers(layers).bidirectional(bidirectional).batchFirst(true)
                    .random(random).build();
            case "lstm" -> LSTM.builder(in, hidden).numLayers(layers).bidirectional(bidirectional).batchFirst(true)
                    .random(random).build();
            default -> GRU.builder(in, hidden).numLayers(layers).bidirectional(bidirectional).batchFirst(true)
                    .random(random).build();
        };
    }

    private static Tensor[] run(RecurrentLayer module, Tensor x, Tensor h0, Tensor c0) {
        if (module instanceof LSTM lstm) {
            LstmOutput r = lstm.forward(x, h0, c0);
            return new Tensor[]{r.output(), r.hidden(), r.cell()};
        }
        RecurrentOutput r = module instanceof RNN rnn ? rnn.forward(x, h0) : ((GRU) module).forward(x, h0);
        return new Tensor[]{r.output(), r.hidden()};
    }
}
