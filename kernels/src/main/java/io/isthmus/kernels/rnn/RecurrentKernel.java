package io.isthmus.kernels.rnn;

import io.isthmus.kernels.Backend;
import io.isthmus.kernels.Kernels;

/**
 * One recurrent layer in one direction over a whole sequence ({@link RecurrentShape}), forward
 * and backward through time, on flat time-major float arrays:
 * x: [T, B, I]; out: [T, B, H]; states h0, c0, hT, cT: [B, H]; weights as {@link RecurrentWeights}.
 *
 * <p>Two implementations with one contract and one {@code saved} layout
 * ({@link RecurrentShape#savedSize()}): {@link FastRecurrent} (the input projection of all
 * steps as one GEMM, one GEMM and one fused elementwise pass per step, weight gradients as a
 * few GEMMs over all steps) and {@link ScalarRecurrent} (straight loops, the oracle). The public
 * methods check every array's length against the shape, then run the implementation.
 */
public abstract class RecurrentKernel {

    RecurrentKernel() {
    }

    /** The fused kernels; the scalar twin under {@code -Disthmus.backend=reference}. */
    public static RecurrentKernel selected() {
        return Holder.SELECTED;
    }

    /** The fused kernels on {@link Kernels#gemm()} (the measured auto dispatch under the default backend). */
    public static RecurrentKernel fast() {
        return Holder.FAST;
    }

    /** Straight loops, no GEMM. */
    public static RecurrentKernel scalar() {
        return Holder.SCALAR;
    }

    private static final class Holder {
        static final RecurrentKernel FAST = new FastRecurrent(Kernels.gemm(), Kernels.elementwise());
        static final RecurrentKernel SCALAR = new ScalarRecurrent();
        static final RecurrentKernel SELECTED = Kernels.backend() == Backend.REFERENCE ? SCALAR : FAST;
    }

    /** Short name for benchmarks and messages: fast, scalar. */
    public abstract String name();

    /**
     * Runs the layer: out [T, B, H] gets every h_t (written whole); hT and cT, when not null, the
     * state after the last step run (t = T - 1, or t = 0 when reversed); saved, when not null,
     * what {@link #backward} needs ({@link RecurrentShape#savedSize()} floats).
     *
     * @param x  [T, B, I]
     * @param w  weights [G * H, I] and [G * H, H], biases [G * H] or null
     * @param h0 [B, H], or null for zeros
     * @param c0 [B, H] (LSTM only), or null for zeros
     */
    public final void forward(RecurrentShape s, float[] x, RecurrentWeights w, float[] h0, float[] c0,
                              float[] out, float[] hT, float[] cT, float[] saved) {
        checkLength(s, "x", x, s.inputSize());
        checkWeights(s, w);
        checkOptional(s, "h0", h0, s.stateSize());
        checkCellState(s, "c0", c0);
        checkLength(s, "out", out, s.outputSize());
        checkOptional(s, "hT", hT, s.stateSize());
        checkCellState(s, "cT", cT);
        checkOptional(s, "saved", saved, s.savedSize());
        runForward(s, x, w, h0, c0, out, hT, cT, saved);
    }

    /**
     * The gradients of {@code sum(out * dOut) + sum(hT * dhT) + sum(cT * dcT)} (each upstream
     * gradient may be null: zero) into the non-null arrays of {@code g}, each written whole.
     * Takes the forward's inputs, its {@code out} and its {@code saved}; {@code x} may be null
     * when g.dIh is not wanted.
     *
     * @param dOut [T, B, H] or null
     * @param dhT  [B, H] or null
     * @param dcT  [B, H] or null (LSTM only)
     */
    public final void backward(RecurrentShape s, float[] x, RecurrentWeights w, float[] h0, float[] c0,
                               float[] out, float[] saved, float[] dOut, float[] dhT, float[] dcT, RecurrentGrads g) {
        checkWeights(s, w);
        checkOptional(s, "h0", h0, s.stateSize());
        checkCellState(s, "c0", c0);
        checkLength(s, "out", out, s.outputSize());
        checkLength(s, "saved", saved, s.savedSize());
        checkOptional(s, "dOut", dOut, s.outputSize());
        checkOptional(s, "dhT", dhT, s.stateSize());
        checkCellState(s, "dcT", dcT);
        checkOptional(s, "dx", g.dx(), s.inputSize());
        checkOptional(s, "dIh", g.dIh(), s.weightIhSize());
        if (g.dIh() != null) {
            checkLength(s, "x", x, s.inputSize());
        }
        checkOptional(s, "dHh", g.dHh(), s.weightHhSize());
        checkOptional(s, "dBiasIh", g.dBiasIh(), s.gateWidth());
        checkOptional(s, "dBiasHh", g.dBiasHh(), s.gateWidth());
        checkOptional(s, "dh0", g.dh0(), s.stateSize());
        checkCellState(s, "dc0", g.dc0());
        runBackward(s, x, w, h0, c0, out, saved, dOut, dhT, dcT, g);
    }

    abstract void runForward(RecurrentShape s, float[] x, RecurrentWeights w, float[] h0, float[] c0,
                             float[] out, float[] hT, float[] cT, float[] saved);

    abstract void runBackward(RecurrentShape s, float[] x, RecurrentWeights w, float[] h0, float[] c0,
                              float[] out, float[] saved, float[] dOut, float[] dhT, float[] dcT, RecurrentGrads g);

    /** Offset of c_t [B, H] (LSTM) or of W_hn h_{t-1} + b_hn (GRU) in {@code saved}. */
    static int extraOffset(RecurrentShape s, int t) {
        return s.steps() * s.batch() * s.gateWidth() + t * s.stateSize();
    }

    /** Offset of tanh(c_t) [B, H] in {@code saved} (LSTM). */
    static int tanhCellOffset(RecurrentShape s, int t) {
        return s.steps() * s.batch() * s.gateWidth() + s.outputSize() + t * s.stateSize();
    }

    private static void checkWeights(RecurrentShape s, RecurrentWeights w) {
        if (w == null) {
            throw new IllegalArgumentException(s.cell().label() + ": weights are null (" + s.describe() + ")");
        }
        checkLength(s, "weight_ih", w.ih(), s.weightIhSize());
        checkLength(s, "weight_hh", w.hh(), s.weightHhSize());
        checkOptional(s, "bias_ih", w.biasIh(), s.gateWidth());
        checkOptional(s, "bias_hh", w.biasHh(), s.gateWidth());
    }

    private static void checkCellState(RecurrentShape s, String name, float[] array) {
        if (array != null && !s.cell().hasCellState()) {
            throw new IllegalArgumentException(s.cell().label() + ": " + name + " given, but only LSTM has a cell state");
        }
        checkOptional(s, name, array, s.stateSize());
    }

    private static void checkOptional(RecurrentShape s, String name, float[] array, int expected) {
        if (array != null) {
            checkLength(s, name, array, expected);
        }
    }

    private static void checkLength(RecurrentShape s, String name, float[] array, int expected) {
        if (array == null) {
            throw new IllegalArgumentException(s.cell().label() + ": " + name + " is null (" + s.describe() + ")");
        }
        if (array.length != expected) {
            throw new IllegalArgumentException(s.cell().label() + ": " + name + " holds " + array.length
                    + " floats, but " + s.describe() + " needs " + expected);
        }
    }
}
