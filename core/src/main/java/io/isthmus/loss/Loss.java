package io.isthmus.loss;

import io.isthmus.tensor.AnyTensor;
import io.isthmus.tensor.Tensor;

/**
 * A loss: maps a prediction and a target to a scalar (or, with {@link Reduction#NONE}, one
 * value per sample), recording the graph so that {@code loss.backward()} reaches the inputs.
 */
public interface Loss {

    /**
     * input: the model's output; target: what it should have been, a float {@link Tensor} or
     * (classification) an {@link io.isthmus.tensor.IndexTensor}. Shapes and kinds depend on the loss.
     */
    Tensor forward(Tensor input, AnyTensor target);
}
