package io.isthmus.data;

/**
 * Seeded random permutations, defined entirely here (SplitMix64 + Fisher-Yates) so a seed gives
 * the same order on every JDK, forever: shuffles and splits are part of a run's reproducibility.
 */
final class Permutations {

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private Permutations() {
    }

    /** A uniformly random permutation of 0..n-1 determined by {@code seed}. */
    static int[] random(int n, long seed) {
        int[] p = identity(n);
        long state = seed;
        for (int i = n - 1; i > 0; i--) {
            // Unbiased index in [0, i] by rejection (Lemire's multiply-shift on 32 random bits).
            long bound = i + 1L;
            long threshold = (1L << 32) % bound;
            long product;
            do {
                state += GOLDEN_GAMMA;
                product = (mix(state) >>> 32) * bound;
            } while ((product & 0xFFFFFFFFL) < threshold);
            int j = (int) (product >>> 32);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    static int[] identity(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        return p;
    }

    /** A seed derived from {@code seed} and a stream number (epoch, batch, ...): well spread, deterministic. */
    static long derive(long seed, long stream) {
        return mix(mix(seed + GOLDEN_GAMMA) ^ (stream * GOLDEN_GAMMA + 0x632BE59BD9B4E019L));
    }

    /** SplitMix64's finalizer (Stafford variant 13). */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
