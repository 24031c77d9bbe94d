package io.isthmus.nn;

import io.isthmus.ops.Activations;
import io.isthmus.tensor.Tensor;

/** Elementwise tanh(x); any shape. */
public class Tanh extends Layer {

    @Override
    protected Tensor compute(Tensor input) {
        return Activations.tanh(input);
    }
}
