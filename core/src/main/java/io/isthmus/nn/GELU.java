package io.isthmus.nn;

import io.isthmus.ops.Activations;
import io.isthmus.tensor.Tensor;

/** GELU, exact (x * Phi(x)) or with PyTorch's tanh approximation; any shape. */
public class GELU extends Layer {

    private final boolean tanhApproximation;

    /** Exact GELU. */
    public GELU() {
        this(false);
    }

    public GELU(boolean tanhApproximation) {
        this.tanhApproximation = tanhApproximation;
    }

    @Override
    protected Tensor compute(Tensor input) {
        return tanhApproximation ? Activations.geluTanh(input) : Activations.gelu(input);
    }

    @Override
    public String describe() {
        return tanhApproximation ? "approximate=tanh" : "";
    }
}
