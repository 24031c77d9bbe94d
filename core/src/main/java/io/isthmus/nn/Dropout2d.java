package io.isthmus.nn;

import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

import java.util.SplittableRandom;

/**
 * PyTorch's Dropout2d: in training, each channel of x: [N, C, H, W] (or unbatched [C, H, W]) is
 * zeroed whole with probability p, the others scaled by 1/(1-p); identity in eval. Seeded and
 * resumable as {@link Dropout} (one draw per channel, from (seed, call number)).
 */
public class Dropout2d extends Dropout {

    public Dropout2d(float p) {
        super(p);
    }

    public Dropout2d(float p, long seed) {
        super(p, seed);
    }

    @Override
    protected Tensor drop(Tensor input, float p, SplittableRandom random) {
        if (input.dim() == 3) {
            // unbatched [C, H, W]: channels are the first axis
            int[] shape = input.shape();
            return io.isthmus.ops.Dropout.channelDropout(input.reshape(1, shape[0], shape[1], shape[2]), p, random)
                    .reshape(shape);
        }
        if (input.dim() != 4) {
            throw new IllegalArgumentException("Dropout2d expects x [N, C, H, W] or [C, H, W], got "
                    + Shape.str(input.shape()) + " (rank " + input.dim() + ")");
        }
        return io.isthmus.ops.Dropout.channelDropout(input, p, random);
    }
}
