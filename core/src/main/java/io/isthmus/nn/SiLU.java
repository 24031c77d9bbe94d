package io.isthmus.nn;

import io.isthmus.ops.Activations;
import io.isthmus.tensor.Tensor;

/** Elementwise x * sigmoid(x); any shape. */
public class SiLU extends Layer {

    @Override
    protected Tensor compute(Tensor input) {
        return Activations.silu(input);
    }
}
