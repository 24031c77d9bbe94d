package io.isthmus.nn;

import io.isthmus.ops.Activations;
import io.isthmus.tensor.Tensor;

/** Elementwise x for x &gt; 0, alpha * (exp(x) - 1) otherwise (default alpha 1); any shape. */
public class ELU extends Layer {

    private final float alpha;

    public ELU() {
        this(1f);
    }

    public ELU(float alpha) {
        this.alpha = alpha;
    }

    @Override
    protected Tensor compute(Tensor input) {
        return Activations.elu(input, alpha);
    }

    @Override
    public String describe() {
        return "alpha=" + alpha;
    }
}
