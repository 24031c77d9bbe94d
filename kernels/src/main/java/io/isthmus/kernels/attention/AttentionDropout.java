package io.isthmus.kernels.attention;

/**
 * The keep/drop decision of attention dropout for element (b, h, i, j) as a pure function of
 * (seed, b, h, i, j): a SplitMix64 finalizer over the flat element index, so the forward, the
 * backward and the scalar twin regenerate the same mask without storing it.
 */
public final class AttentionDropout {

    private AttentionDropout() {
    }

    /** True when element (flat index {@code ((b * h + hh) * Tq + i) * Tk + j}) is kept with drop probability p. */
    public static boolean keep(long seed, long index, float p) {
        long z = seed + (index + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        // top 24 bits as a uniform in [0, 1)
        return (z >>> 40) * 0x1.0p-24f >= p;
    }
}
