package io.isthmus.ops;

import io.isthmus.kernels.rnn.Cell;
import io.isthmus.kernels.rnn.RecurrentGrads;
import io.isthmus.kernels.rnn.RecurrentKernel;
import io.isthmus.kernels.rnn.RecurrentShape;
import io.isthmus.kernels.rnn.RecurrentWeights;
import io.isthmus.tensor.GradMode;
import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

/**
 * One recurrent layer in one direction over a whole time-major sequence, as ONE autograd node
 * with several outputs (the output sequence, the final h, and for LSTM the final c), forward and
 * backward through time in the fused kernels ({@link io.isthmus.kernels.rnn.RecurrentKernel}).
 * Weights have PyTorch's layouts and gate orders (LSTM i, f, g, o; GRU r, z, n). Stacking layers,
 * both directions and batch-first layouts are the modules' business ({@code nn.LSTM} and co.).
 */
public final class Recurrent {

    private Recurrent() {
    }

    /**
     * LSTM layer: x: [T, B, I]; h0, c0: [B, H] or null (zeros); weightIh: [4H, I]; weightHh: [4H, H];
     * biasIh, biasHh: [4H] or null. Returns {out [T, B, H], hT [B, H], cT [B, H]}.
     */
    public static Tensor[] lstm(Tensor x, Tensor h0, Tensor c0, Tensor weightIh, Tensor weightHh,
                                Tensor biasIh, Tensor biasHh, boolean reverse) {
        return layer(Cell.LSTM, x, h0, c0, weightIh, weightHh, biasIh, biasHh, reverse);
    }

    /**
     * GRU layer: x: [T, B, I]; h0: [B, H] or null; weightIh: [3H, I]; weightHh: [3H, H];
     * biases [3H] or null. Returns {out [T, B, H], hT [B, H]}.
     */
    public static Tensor[] gru(Tensor x, Tensor h0, Tensor weightIh, Tensor weightHh,
                               Tensor biasIh, Tensor biasHh, boolean reverse) {
        return layer(Cell.GRU, x, h0, null, weightIh, weightHh, biasIh, biasHh, reverse);
    }

    /**
     * Elman RNN layer, h' = tanh or relu(W_ih x + b_ih + W_hh h + b_hh): x: [T, B, I]; h0: [B, H]
     * or null; weightIh: [H, I]; weightHh: [H, H]; biases [H] or null. Returns {out [T, B, H], hT [B, H]}.
     */
    public static Tensor[] rnn(Tensor x, Tensor h0, Tensor weightIh, Tensor weightHh, Tensor biasIh, Tensor biasHh,
                               boolean relu, boolean reverse) {
        return layer(relu ? Cell.RNN_RELU : Cell.RNN_TANH, x, h0, null, weightIh, weightHh, biasIh, biasHh, reverse);
    }

    /**
     * Any cell: x: [T, B, I]; h0 (and c0 for LSTM): [B, H] or null; weightIh: [G * H, I];
     * weightHh: [G * H, H]; biases: [G * H] or null. Returns {out [T, B, H], hT [B, H]}, and cT
     * [B, H] third for LSTM. {@code reverse} runs the steps from the last to the first (out[t]
     * stays h at time t), the backward direction of a bidirectional layer.
     */
    public static Tensor[] layer(Cell cell, Tensor x, Tensor h0, Tensor c0, Tensor weightIh, Tensor weightHh,
                                 Tensor biasIh, Tensor biasHh, boolean reverse) {
        RecurrentShape s = shape(cell, x, h0, c0, weightIh, weightHh, biasIh, biasHh, reverse);
        RecurrentKernel kernel = RecurrentKernel.selected();
        boolean lstm = cell.hasCellState();
        float[] xd = x.data();
        float[] h0d = h0 == null ? null : h0.data();
        float[] c0d = c0 == null ? null : c0.data();
        RecurrentWeights w = new RecurrentWeights(weightIh.data(), weightHh.data(),
                biasIh == null ? null : biasIh.data(), biasHh == null ? null : biasHh.data());
        float[] out = new float[s.outputSize()];
        float[] hT = new float[s.stateSize()];
        float[] cT = lstm ? new float[s.stateSize()] : null;
        boolean recording = GradMode.isEnabled() && anyRequiresGrad(x, h0, c0, weightIh, weightHh, biasIh, biasHh);
        // inference keeps nothing for a backward that cannot come
        float[] saved = recording ? new float[s.savedSize()] : null;
        kernel.forward(s, xd, w, h0d, c0d, out, hT, cT, saved);
        int[] state = {s.batch(), s.hidden()};
        float[][] data = lstm ? new float[][]{out, hT, cT} : new float[][]{out, hT};
        int[][] shapes = lstm ? new int[][]{{s.steps(), s.batch(), s.hidden()}, state, state.clone()}
                : new int[][]{{s.steps(), s.batch(), s.hidden()}, state};
        return Tensor.results(data, shapes, cell.label(), (gradOuts, grads) -> {
            // every wanted gradient is written whole by the kernel
            RecurrentGrads g = new RecurrentGrads(
                    grads.needs(x) ? grads.overwrite(x) : null,
                    grads.needs(weightIh) ? grads.overwrite(weightIh) : null,
                    grads.needs(weightHh) ? grads.overwrite(weightHh) : null,
                    grads.needs(biasIh) ? grads.overwrite(biasIh) : null,
                    grads.needs(biasHh) ? grads.overwrite(biasHh) : null,
                    grads.needs(h0) ? grads.overwrite(h0) : null,
                    grads.needs(c0) ? grads.overwrite(c0) : null);
            kernel.backward(s, xd, w, h0d, c0d, out, saved, gradOuts[0], gradOuts[1], lstm ? gradOuts[2] : null, g);
        }, x, h0, c0, weightIh, weightHh, biasIh, biasHh);
    }

    private static boolean anyRequiresGrad(Tensor... tensors) {
        for (Tensor t : tensors) {
            if (t != null && t.requiresGrad()) {
                return true;
            }
        }
        return false;
    }

    /** Checks every tensor against x and the weights, naming the shapes involved. */
    private static RecurrentShape shape(Cell cell, Tensor x, Tensor h0, Tensor c0, Tensor weightIh, Tensor weightHh,
                                        Tensor biasIh, Tensor biasHh, boolean reverse) {
        String op = cell.label();
        int[] xs = x.shape();
        if (xs.length != 3) {
            throw new IllegalArgumentException(op + ": input must be [T, B, I], got " + Shape.str(xs) + " (rank "
                    + xs.length + ")");
        }
        int[] wi = weightIh.shape();
        int[] wh = weightHh.shape();
        int g = cell.gates();
        if (wh.length != 2 || wh[0] != g * wh[1] || wh[1] == 0) {
            throw new IllegalArgumentException(op + ": weight_hh must be [" + g + " * H, H], got " + Shape.str(wh));
        }
        int hidden = wh[1];
        if (wi.length != 2 || wi[0] != g * hidden) {
            throw new IllegalArgumentException(op + ": weight_ih must be [" + g * hidden + ", I] to match weight_hh "
                    + Shape.str(wh) + ", got " + Shape.str(wi));
        }
        if (wi[1] != xs[2]) {
            throw new IllegalArgumentException(op + ": input " + Shape.str(xs) + " has " + xs[2]
                    + " features, but weight_ih " + Shape.str(wi) + " expects " + wi[1]);
        }
        checkBias(op, "bias_ih", biasIh, g * hidden);
        checkBias(op, "bias_hh", biasHh, g * hidden);
        checkState(op, "h0", h0, xs, hidden);
        if (c0 != null && !cell.hasCellState()) {
            throw new IllegalArgumentException(op + ": c0 given, but only LSTM has a cell state");
        }
        checkState(op, "c0", c0, xs, hidden);
        if (xs[0] == 0 || xs[1] == 0) {
            throw new IllegalArgumentException(op + ": input " + Shape.str(xs) + " needs at least one step and one sample");
        }
        return new RecurrentShape(cell, xs[0], xs[1], xs[2], hidden, reverse);
    }

    private static void checkBias(String op, String name, Tensor bias, int rows) {
        if (bias != null && (bias.dim() != 1 || bias.size(0) != rows)) {
            throw new IllegalArgumentException(op + ": " + name + " must be [" + rows + "], got " + Shape.str(bias.shape()));
        }
    }

    private static void checkState(String op, String name, Tensor state, int[] xs, int hidden) {
        if (state != null && (state.dim() != 2 || state.size(0) != xs[1] || state.size(1) != hidden)) {
            throw new IllegalArgumentException(op + ": " + name + " must be [B, H] = [" + xs[1] + ", " + hidden
                    + "] for input " + Shape.str(xs) + ", got " + Shape.str(state.shape()));
        }
    }
}
