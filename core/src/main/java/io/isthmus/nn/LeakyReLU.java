package io.isthmus.nn;

import io.isthmus.ops.Activations;
import io.isthmus.tensor.Tensor;

/** Elementwise x for x &gt; 0, slope * x otherwise (default slope 0.01); any shape. */
public class LeakyReLU extends Layer {

    private final float negativeSlope;

    public LeakyReLU() {
        this(0.01f);
    }

    public LeakyReLU(float negativeSlope) {
        this.negativeSlope = negativeSlope;
    }

    @Override
    protected Tensor compute(Tensor input) {
        return Activations.leakyRelu(input, negativeSlope);
    }

    @Override
    public String describe() {
        return "negativeSlope=" + negativeSlope;
    }
}
