package io.isthmus.tensor;

import java.util.SplittableRandom;

/**
 * The global seed, like {@code torch.manual_seed}: parameter initialization, dropout masks and
 * the shuffling of data loaders given no seed of their own all draw from it, so after
 * {@code Seeds.set(s)}, building the same model and training it the same way gives the same
 * numbers, bit for bit (on one thread). Without a call the seed is a fixed default, so runs are
 * reproducible even when a user forgets to seed.
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
