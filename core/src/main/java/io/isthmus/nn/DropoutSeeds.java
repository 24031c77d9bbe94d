package io.isthmus.nn;

import io.isthmus.tensor.Seeds;

import java.util.Arrays;

/**
 * The random stream of a module's dropout: its seed and how many calls have drawn from it. Call
 * n's mask comes from {@link Seeds#forCall}(seed, n), so the stream is two numbers that a
 * checkpoint saves ({@link RandomState}) and a resume restores exactly.
 */
final class DropoutSeeds {

    private long seed;
    private long calls;

    DropoutSeeds(long seed) {
        this.seed = seed;
    }

    /** The seed of the next call's mask; the call is counted. */
    long next() {
        return Seeds.forCall(seed, calls++);
    }

    /** {seed, calls}. */
    long[] state() {
        return new long[]{seed, calls};
    }

    /** Restores {@link #state()}; {@code owner} names the module in the error. */
    void restore(long[] state, String owner) {
        if (state.length != 2 || state[1] < 0) {
            throw new IllegalArgumentException(owner + " random state must be {seed, calls >= 0}, got "
                    + Arrays.toString(state));
        }
        seed = state[0];
        calls = state[1];
    }
}
