package io.isthmus.nn;

import java.util.SplittableRandom;

/**
 * The global seed for parameter initialization and dropout masks, like {@code torch.manual_seed}:
 * after {@code Seeds.set(s)}, building the same model and training it the same way gives the
 * same numbers, bit for bit (on one thread).
 */
public final class Seeds {

    private static SplittableRandom root = new SplittableRandom(0x15_7B_05L);

    private Seeds() {
    }

    public static synchronized void set(long seed) {
        root = new SplittableRandom(seed);
    }

    /** An independent generator derived from the global one (each call gives the next). */
    public static synchronized SplittableRandom next() {
        return root.split();
    }
}
