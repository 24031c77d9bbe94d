package io.isthmus.nn;

import io.isthmus.ops.Activations;
import io.isthmus.tensor.Tensor;

/** Elementwise 1 / (1 + exp(-x)); any shape. */
public class Sigmoid extends Layer {

    @Override
    protected Tensor compute(Tensor input) {
        return Activations.sigmoid(input);
    }
}
