package io.isthmus.ops;

import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

import java.util.SplittableRandom;

/** Per-element references for the op tests: broadcasting by full index arithmetic, random inputs. */
final class Naive {

    private Naive() {
    }

    /** The flat position in {@code in} (right-aligned, axes of 1 repeated) of output element {@code flat} of {@code out}. */
    static int source(int[] in, int[] out, int flat) {
        int[] index = Shape.unflatten(flat, out);
        int position = 0;
        for (int d = 0; d < in.length; d++) {
            int od = d + out.length - in.length;
            position = position * in[d] + (in[d] == 1 ? 0 : index[od]);
        }
        return position;
    }

    static Tensor rand(long seed, int... shape) {
        return Tensor.uniform(new SplittableRandom(seed), -1f, 1f, shape);
    }

    /** Uniform in [low, high). */
    static Tensor rand(long seed, float low, float high, int... shape) {
        return Tensor.uniform(new SplittableRandom(seed), low, high, shape);
    }

    static int numel(int... shape) {
        return Shape.numel(shape);
    }
}
