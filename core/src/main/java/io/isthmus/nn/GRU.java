package io.isthmus.nn;

import io.isthmus.kernels.rnn.Cell;
import io.isthmus.tensor.Tensor;

/**
 * Gated recurrent unit layers with PyTorch's parameters, options and init (see
 * {@link RecurrentLayer}); gates r, z, n: n = tanh(W_in x + b_in + r (W_hn h + b_hn)),
 * h' = (1 - z) n + z h.
 *
 * <pre>
 *   GRU gru = GRU.builder(28, 128).numLayers(2).bidirectional(true).batchFirst(true).build();
 *   RecurrentOutput r = gru.forward(x);                      // x [B, T, 28]: r.output() [B, T, 256]
 * </pre>
 */
public class GRU extends RecurrentLayer {

    /** One layer, one direction, with biases, time-major input. */
    public GRU(int inputSize, int hiddenSize) {
        this(builder(inputSize, hiddenSize));
    }

    private GRU(Builder<GRU> b) {
        super(b, Cell.GRU);
        if (b.nonlinearity != null) {
            throw new IllegalArgumentException("GRU has no nonlinearity option (got '" + b.nonlinearity + "'); it is RNN's");
        }
    }

    public static Builder<GRU> builder(int inputSize, int hiddenSize) {
        return new Builder<>(GRU::new, inputSize, hiddenSize);
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
}
