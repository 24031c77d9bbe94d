package io.isthmus.nn;

import io.isthmus.kernels.rnn.Cell;
import io.isthmus.tensor.Tensor;

/**
 * Long short-term memory layers with PyTorch's parameters, options and init (see
 * {@link RecurrentLayer}); gates i, f, g, o: c' = f c + i g, h' = o tanh(c').
 *
 * <pre>
 *   LSTM lstm = new LSTM(64, 256);
 *   LstmOutput r = lstm.forward(x);                          // x [T, B, 64]: r.output() [T, B, 256]
 *   LSTM deep = LSTM.builder(64, 256).numLayers(2).dropout(0.2f).batchFirst(true).build();
 *   LstmOutput next = lstm.forward(x2, r.detachedHidden(), r.detachedCell());   // state carried, detached
 * </pre>
 */
public class LSTM extends RecurrentLayer {

    /** One layer, one direction, with biases, time-major input. */
    public LSTM(int inputSize, int hiddenSize) {
        this(builder(inputSize, hiddenSize));
    }

    private LSTM(Builder<LSTM> b) {
        super(b, Cell.LSTM);
        if (b.nonlinearity != null) {
            throw new IllegalArgumentException("LSTM has no nonlinearity option (got '" + b.nonlinearity + "'); it is RNN's");
        }
    }

    public static Builder<LSTM> builder(int inputSize, int hiddenSize) {
        return new Builder<>(LSTM::new, inputSize, hiddenSize);
    }

    /** From zero states: input [T, B, I] ([B, T, I] batch-first) or [T, I]. */
    public LstmOutput forward(Tensor input) {
        return forward(input, null, null);
    }

    /** From h0 and c0 [numLayers * D, B, H] (each may be null: zeros). */
    public LstmOutput forward(Tensor input, Tensor h0, Tensor c0) {
        Tensor[] r = run(input, h0, c0);
        return new LstmOutput(r[0], r[1], r[2]);
    }
}
