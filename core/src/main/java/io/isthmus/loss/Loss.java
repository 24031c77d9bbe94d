package io.isthmus.loss;

import io.isthmus.tensor.Tensor;

/**
 * A loss: maps a prediction and a target to a scalar (or, with {@link Reduction#NONE}, one
 * value per sample), recording the graph so that {@code loss.backward()} reaches the inputs.
 */
public interface Loss {

    /** input: the model's output; target: what it should have been. Shapes depend on the loss. */
    Tensor forward(Tensor input, Tensor target);
}
