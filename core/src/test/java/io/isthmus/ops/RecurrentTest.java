package io.isthmus.ops;

import io.isthmus.kernels.rnn.Cell;
import io.isthmus.tensor.GradMode;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one-layer recurrent op: finite-difference gradients through time for every cell and
 * direction (input, initial states, both weights and both biases, through the output sequence
 * and the final states at once), a forward against straight loops written here, and its checks.
 */
class RecurrentTest {

    private static Tensor rand(long seed, float bound, int... shape) {
        return Tensor.uniform(new SplittableRandom(seed), -bound, bound, shape);
    }

    private static void scale(Tensor t, float factor) {
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] *= factor;
        }
    }

    /** All outputs of the op flattened into one tensor, so GradCheck weighs each with its own upstream values. */
    private static Tensor flatOutputs(Tensor[] outs) {
        Tensor[] flat = new Tensor[outs.length];
        for (int i = 0; i < outs.length; i++) {
            flat[i] = outs[i].reshape(outs[i].numel());
        }
        return ShapeOps.concat(0, flat);
    }

    @Test
    void gradientsThroughTimeMatchFiniteDifferences() {
        int steps = 5;
        int batch = 3;
        int input = 3;
        int hidden = 4;
        for (Cell cell : Cell.values()) {
            for (boolean reverse : new boolean[]{false, true}) {
                int rows = cell.gates() * hidden;
                boolean lstm = cell.hasCellState();
                long seed = cell.ordinal() * 10L + (reverse ? 5 : 0);
                Tensor x = rand(seed + 1, 1f, steps, batch, input);
                Tensor h0 = rand(seed + 2, 1f, batch, hidden);
                Tensor c0 = rand(seed + 3, 1f, batch, hidden);
                Tensor wIh = rand(seed + 4, 0.6f, rows, input);
                Tensor wHh = rand(seed + 5, 0.6f, rows, hidden);
                Tensor bIh = rand(seed + 6, 0.5f, rows);
                Tensor bHh = rand(seed + 7, 0.5f, rows);
                if (cell == Cell.RNN_RELU) {
                    // every pre-activation stays positive, away from the kink: small weights, biases from 0.7 up
                    scale(wIh, 0.1f);
                    scale(wHh, 0.1f);
                    for (int i = 0; i < rows; i++) {
                        bIh.data()[i] = 0.7f + 0.1f * i;
                    }
                }
                List<Tensor> inputs = lstm ? List.of(x, h0, c0, wIh, wHh, bIh, bHh) : List.of(x, h0, wIh, wHh, bIh, bHh);
                GradCheck.check(cell.label() + (reverse ? " reverse" : ""), in -> flatOutputs(lstm
                                ? Recurrent.layer(cell, in.get(0), in.get(1), in.get(2), in.get(3), in.get(4), in.get(5),
                                in.get(6), reverse)
                                : Recurrent.layer(cell, in.get(0), in.get(1), null, in.get(2), in.get(3), in.get(4),
                                in.get(5), reverse)),
                        inputs, 1e-2, 2e-3, 1e-2);
            }
        }
    }

    @Test
    void gradientsReachOnlyTheOutputsThatAreUsed() {
        // only h_T used: the output sequence's gradient is null in the backward
        Tensor x = rand(1, 1f, 4, 2, 3).requiresGrad(true);
        Tensor wIh = rand(2, 0.5f, 12, 3).requiresGrad(true);
        Tensor wHh = rand(3, 0.5f, 12, 4).requiresGrad(true);
        Tensor[] outs = Recurrent.gru(x, null, wIh, wHh, null, null, false);
        outs[1].sum().backward();
        Tensor x2 = Tensor.of(x.data().clone(), 4, 2, 3).requiresGrad(true);
        Tensor[] again = Recurrent.gru(x2, null, wIh.detach(), wHh.detach(), null, null, false);
        // h_T is out[T - 1]: the same gradient through a slice of the sequence
        ShapeOps.slice(again[0], 0, 3, 4).sum().backward();
        assertArrayEquals(x2.grad(), x.grad(), 1e-6f);
    }

    @Test
    void lstmForwardMatchesStraightLoops() {
        int steps = 3;
        int batch = 2;
        int input = 3;
        int hidden = 7;
        Tensor x = rand(11, 1f, steps, batch, input);
        Tensor h0 = rand(12, 1f, batch, hidden);
        Tensor c0 = rand(13, 1f, batch, hidden);
        Tensor wIh = rand(14, 0.5f, 4 * hidden, input);
        Tensor wHh = rand(15, 0.5f, 4 * hidden, hidden);
        Tensor bIh = rand(16, 0.5f, 4 * hidden);
        Tensor bHh = rand(17, 0.5f, 4 * hidden);
        Tensor[] outs = Recurrent.lstm(x, h0, c0, wIh, wHh, bIh, bHh, false);
        double[] h = new double[batch * hidden];
        double[] c = new double[batch * hidden];
        for (int i = 0; i < h.length; i++) {
            h[i] = h0.data()[i];
            c[i] = c0.data()[i];
        }
        for (int t = 0; t < steps; t++) {
            double[] next = new double[h.length];
            for (int b = 0; b < batch; b++) {
                for (int j = 0; j < hidden; j++) {
                    double[] pre = new double[4];
                    for (int q = 0; q < 4; q++) {
                        int r = q * hidden + j;
                        double sum = bIh.data()[r] + bHh.data()[r];
                        for (int i = 0; i < input; i++) {
                            sum += wIh.data()[r * input + i] * x.data()[(t * batch + b) * input + i];
                        }
                        for (int k = 0; k < hidden; k++) {
                            sum += wHh.data()[r * hidden + k] * h[b * hidden + k];
                        }
                        pre[q] = sum;
                    }
                    double ig = 1 / (1 + Math.exp(-pre[0]));
                    double fg = 1 / (1 + Math.exp(-pre[1]));
                    double gg = Math.tanh(pre[2]);
                    double og = 1 / (1 + Math.exp(-pre[3]));
                    c[b * hidden + j] = fg * c[b * hidden + j] + ig * gg;
                    next[b * hidden + j] = og * Math.tanh(c[b * hidden + j]);
                    assertEquals(next[b * hidden + j], outs[0].data()[(t * batch + b) * hidden + j], 1e-5,
                            "h at t=" + t + " b=" + b + " j=" + j);
                }
            }
            h = next;
        }
        for (int i = 0; i < h.length; i++) {
            assertEquals(h[i], outs[1].data()[i], 1e-5, "h_T " + i);
            assertEquals(c[i], outs[2].data()[i], 1e-5, "c_T " + i);
        }
    }

    @Test
    void noGraphWithoutGradients() {
        Tensor x = rand(1, 1f, 2, 1, 3);
        Tensor[] outs = Recurrent.rnn(x, null, rand(2, 0.5f, 4, 3), rand(3, 0.5f, 4, 4), null, null, false, false);
        assertFalse(outs[0].requiresGrad());
        Tensor w = rand(4, 0.5f, 4, 3).requiresGrad(true);
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            Tensor[] none = Recurrent.rnn(x, null, w, rand(3, 0.5f, 4, 4), null, null, true, false);
            assertFalse(none[0].requiresGrad());
            assertNull(none[0].grad());
        }
    }

    @Test
    void badShapesNameTheShapes() {
        Tensor wIh = Tensor.zeros(16, 3);
        Tensor wHh = Tensor.zeros(16, 4);
        String m = assertThrows(IllegalArgumentException.class,
                () -> Recurrent.lstm(Tensor.zeros(2, 3), null, null, wIh, wHh, null, null, false)).getMessage();
        assertEquals("lstm: input must be [T, B, I], got [2, 3] (rank 2)", m);
        m = assertThrows(IllegalArgumentException.class,
                () -> Recurrent.lstm(Tensor.zeros(2, 1, 5), null, null, wIh, wHh, null, null, false)).getMessage();
        assertEquals("lstm: input [2, 1, 5] has 5 features, but weight_ih [16, 3] expects 3", m);
        m = assertThrows(IllegalArgumentException.class, () -> Recurrent.lstm(Tensor.zeros(2, 1, 3), Tensor.zeros(2, 4),
                null, wIh, wHh, null, null, false)).getMessage();
        assertEquals("lstm: h0 must be [B, H] = [1, 4] for input [2, 1, 3], got [2, 4]", m);
        m = assertThrows(IllegalArgumentException.class, () -> Recurrent.gru(Tensor.zeros(2, 1, 3), null, wIh, wHh,
                null, null, false)).getMessage();
        assertEquals("gru: weight_hh must be [3 * H, H], got [16, 4]", m);
        m = assertThrows(IllegalArgumentException.class, () -> Recurrent.lstm(Tensor.zeros(2, 1, 3), null, null, wIh,
                wHh, Tensor.zeros(15), null, false)).getMessage();
        assertEquals("lstm: bias_ih must be [16], got [15]", m);
        m = assertThrows(IllegalArgumentException.class, () -> Recurrent.layer(Cell.GRU, Tensor.zeros(2, 1, 3), null,
                Tensor.zeros(1, 4), Tensor.zeros(12, 3), Tensor.zeros(12, 4), null, null, false)).getMessage();
        assertTrue(m.contains("only LSTM has a cell state"), m);
        m = assertThrows(IllegalArgumentException.class, () -> Recurrent.lstm(Tensor.zeros(0, 1, 3), null, null, wIh,
                wHh, null, null, false)).getMessage();
        assertEquals("lstm: input [0, 1, 3] needs at least one step and one sample", m);
    }
}
