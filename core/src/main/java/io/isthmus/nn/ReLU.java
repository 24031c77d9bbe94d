package io.isthmus.nn;

import io.isthmus.ops.Activations;
import io.isthmus.tensor.Tensor;

/** Elementwise max(x, 0); any shape. */
public class ReLU extends Layer {

    @Override
    protected Tensor compute(Tensor input) {
        return Activations.relu(input);
    }
}
