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

    /**
     * The seed of call {@code call} of a layer whose own seed is {@code seed} (dropout masks): a
     * SplitMix64 finalizer over seed and call. Not {@code seed + call * gamma}: SplittableRandom
     * and the attention-dropout hash step by that same gamma, so call c + 1's mask would be call
     * c's shifted by one element.
     */
    public static long forCall(long seed, long call) {
        long z = seed ^ ((call + 1) * 0xD1B54A32D192ED03L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** An independent generator derived from the global one (each call gives the next). */
    public static synchronized SplittableRandom next() {
        return root.split();
    }
}
