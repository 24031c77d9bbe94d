package io.isthmus.nn;

import io.isthmus.tensor.Tensor;

import java.util.SplittableRandom;

/** Inverted dropout in training mode; identity in eval mode. Any shape. */
public class Dropout extends Module {

    private final float p;
    private final SplittableRandom random;

    public Dropout(float p) {
        this(p, Seeds.next());
    }

    public Dropout(float p, SplittableRandom random) {
        if (!(p >= 0f && p < 1f)) {
            throw new IllegalArgumentException("Dropout probability must be in [0, 1), got " + p);
        }
        this.p = p;
        this.random = random;
    }

    @Override
    protected Tensor compute(Tensor input) {
        if (!isTraining() || p == 0f) {
            return input;
        }
        return io.isthmus.ops.Dropout.dropout(input, p, random);
    }

    @Override
    public String describe() {
        return "p=" + p;
    }
}
