package io.isthmus.data;

import io.isthmus.tensor.Tensor;

import java.util.Objects;

/**
 * One mini-batch.
 *
 * @param inputs  [B, ...feature shape]
 * @param targets [B, ...target shape]; [B] of class indices stored as floats for classification
 */
public record Batch(Tensor inputs, Tensor targets) {

    public Batch {
        Objects.requireNonNull(inputs, "inputs");
        Objects.requireNonNull(targets, "targets");
        if (inputs.dim() == 0 || targets.dim() == 0 || inputs.size(0) != targets.size(0)) {
            throw new IllegalArgumentException("inputs " + java.util.Arrays.toString(inputs.shape()) + " and targets "
                    + java.util.Arrays.toString(targets.shape()) + " must share a leading batch dimension");
        }
    }

    /** Number of samples B. */
    public int size() {
        return inputs.size(0);
    }
}
