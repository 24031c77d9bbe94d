package io.isthmus.nn;

import io.isthmus.tensor.Tensor;

/**
 * What {@link LSTM} returns: the last layer's h at every step, and every layer-direction's h and
 * c after the last step.
 *
 * @param output [T, B, D * H] ([B, T, D * H] batch-first, [T, D * H] unbatched)
 * @param hidden h_n: [numLayers * D, B, H] ([numLayers * D, H] unbatched)
 * @param cell   c_n: the same shape as hidden
 */
public record LstmOutput(Tensor output, Tensor hidden, Tensor cell) {

    /** h_n cut from the graph, to start the next batch from (truncated backprop through time). */
    public Tensor detachedHidden() {
        return hidden.detach();
    }

    /** c_n cut from the graph. */
    public Tensor detachedCell() {
        return cell.detach();
    }
}
