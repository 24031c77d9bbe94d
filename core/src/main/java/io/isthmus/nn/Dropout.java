package io.isthmus.nn;

import io.isthmus.tensor.Seeds;
import io.isthmus.tensor.Tensor;

import java.util.SplittableRandom;

/**
 * Inverted dropout in training mode; identity in eval mode. Any shape. Each call's mask comes
 * from (seed, call number), so the random stream can be saved and resumed exactly.
 */
public class Dropout extends Layer implements RandomState {

    private final float p;
    private final DropoutSeeds dropoutSeeds;

    public Dropout(float p) {
        this(p, Seeds.next().nextLong());
    }

    public Dropout(float p, long seed) {
        if (!(p >= 0f && p < 1f)) {
            throw new IllegalArgumentException("Dropout probability must be in [0, 1), got " + p);
        }
        this.p = p;
        this.dropoutSeeds = new DropoutSeeds(seed);
    }

    @Override
    protected Tensor compute(Tensor input) {
        if (!isTraining() || p == 0f) {
            return input;
        }
        SplittableRandom random = new SplittableRandom(dropoutSeeds.next());
        return drop(input, p, random);
    }

    /** The training-mode mask applied to input: each element here; subclasses drop larger units (channels). */
    protected Tensor drop(Tensor input, float p, SplittableRandom random) {
        return io.isthmus.ops.Dropout.dropout(input, p, random);
    }

    /** {seed, calls}: the mask of the next call comes from both. */
    @Override
    public long[] randomState() {
        return dropoutSeeds.state();
    }

    @Override
    public void setRandomState(long[] state) {
        dropoutSeeds.restore(state, "Dropout");
    }

    @Override
    public String describe() {
        return "p=" + p;
    }
}
