package io.isthmus.nn;

import io.isthmus.kernels.rnn.Cell;
import io.isthmus.tensor.Tensor;

/**
 * Elman recurrent layers, h' = tanh(W_ih x + b_ih + W_hh h + b_hh) (or relu), with PyTorch's
 * parameters, options and init (see {@link RecurrentLayer}).
 *
 * <pre>
 *   RNN rnn = new RNN(28, 128);
 *   RNN relu = RNN.builder(28, 128).nonlinearity("relu").numLayers(2).build();
 * </pre>
 */
public class RNN extends RecurrentLayer {

    /** One tanh layer, one direction, with biases, time-major input. */
    public RNN(int inputSize, int hiddenSize) {
        this(builder(inputSize, hiddenSize));
    }

    private RNN(Builder<RNN> b) {
        super(b, cellOf(b.nonlinearity));
    }

    private static Cell cellOf(String nonlinearity) {
        if (nonlinearity == null || nonlinearity.equals("tanh")) {
            return Cell.RNN_TANH;
        }
        if (nonlinearity.equals("relu")) {
            return Cell.RNN_RELU;
        }
        throw new IllegalArgumentException("RNN nonlinearity must be 'tanh' or 'relu', got '" + nonlinearity + "'");
    }

    public static Builder<RNN> builder(int inputSize, int hiddenSize) {
        return new Builder<>(RNN::new, inputSize, hiddenSize);
    }

    /** "tanh" or "relu". */
    public String nonlinearity() {
        return cell() == Cell.RNN_RELU ? "relu" : "tanh";
    }

    /** From a zero state: input [T, B, I] ([B, T, I] batch-first) or [T, I]. */
    public RecurrentOutput forward(Tensor input) {
        return forward(input, null);
    }

    /** From h0 [numLayers * D, B, H] (null: zeros). */
    public RecurrentOutput forward(Tensor input, Tensor h0) {
        Tensor[] r = run(input, h0, null);
        return new RecurrentOutput(r[0], r[1]);
    }

    @Override
    public String describe() {
        return super.describe() + (cell() == Cell.RNN_RELU ? ", nonlinearity='relu'" : "");
    }
}
