package io.isthmus.nn;

import io.isthmus.tensor.Tensor;

/**
 * What {@link RNN} and {@link GRU} return: the last layer's h at every step, and every
 * layer-direction's h after the last step.
 *
 * @param output [T, B, D * H] ([B, T, D * H] batch-first, [T, D * H] unbatched)
 * @param hidden [numLayers * D, B, H] ([numLayers * D, H] unbatched)
 */
public record RecurrentOutput(Tensor output, Tensor hidden) {

    /**
     * The final state cut from the graph, to start the next batch from (truncated backprop
     * through time: the next backward stops here).
     */
    public Tensor detachedHidden() {
        return hidden.detach();
    }
}
