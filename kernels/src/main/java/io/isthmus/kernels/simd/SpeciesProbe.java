package io.isthmus.kernels.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Times fused multiply-add throughput, the one operation a GEMM tile kernel is made of, at 512 and
 * 256 bits, alternating short runs so both see the same machine state. Wider is not always
 * faster: Zen 4 splits 512-bit operations in two, and some Intel parts lower their clock for them.
 *
 * <p>The loops are small so that C2 compiles them (on-stack replacement) within a few tens of
 * milliseconds; a whole tile kernel would still be interpreted when the budget runs out, and the
 * interpreter runs Vector API code a thousand times slower than compiled code.
 */
final class SpeciesProbe {

    /**
     * Steps per timed run: enough back-edges that C2 compiles the loop by the second or third run
     * (about 150 ms from a cold start here), short enough to repeat several times after that.
     */
    private static final int STEPS = 40_000;

    private SpeciesProbe() {
    }

    /**
     * Best observed GFLOPS at {512, 256} bits: stops after {@code compiledRounds} rounds in which
     * both ran above {@code compiledGflops} (compiled code), or when {@code budgetNanos} is spent.
     */
    static double[] measure(long budgetNanos, double compiledGflops, int compiledRounds) {
        double[] best = new double[2];
        float[] seed = new float[16];
        java.util.Arrays.fill(seed, 1e-3f);
        long end = System.nanoTime() + budgetNanos;
        float sink = 0;
        int rounds = 0;
        while (rounds < compiledRounds && System.nanoTime() < end) {
            long start = System.nanoTime();
            sink += fma512(seed, STEPS);
            double wide = gflops(512, System.nanoTime() - start);
            start = System.nanoTime();
            sink += fma256(seed, STEPS);
            double narrow = gflops(256, System.nanoTime() - start);
            best[0] = Math.max(best[0], wide);
            best[1] = Math.max(best[1], narrow);
            if (Math.min(wide, narrow) >= compiledGflops) {
                rounds++;
            }
        }
        if (sink == 42f) {
            // Keeps the sums alive so the loops are not removed as dead code.
            best[0] += Math.ulp(1.0);
        }
        return best;
    }

    private static double gflops(int bits, long nanos) {
        return 2.0 * 8 * (bits / 32) * (double) STEPS / Math.max(1, nanos);
    }

    /** Eight independent FMA chains: enough to cover FMA latency on two ports. */
    private static float fma512(float[] seed, int steps) {
        FloatVector m = FloatVector.fromArray(FloatVector.SPECIES_512, seed, 0);
        FloatVector c0 = m, c1 = m.add(1), c2 = m.add(2), c3 = m.add(3);
        FloatVector c4 = m.add(4), c5 = m.add(5), c6 = m.add(6), c7 = m.add(7);
        for (int i = 0; i < steps; i++) {
            c0 = c0.fma(m, m); c1 = c1.fma(m, m); c2 = c2.fma(m, m); c3 = c3.fma(m, m);
            c4 = c4.fma(m, m); c5 = c5.fma(m, m); c6 = c6.fma(m, m); c7 = c7.fma(m, m);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).reduceLanes(VectorOperators.ADD);
    }

    /** As {@link #fma512} on 256-bit vectors. */
    private static float fma256(float[] seed, int steps) {
        FloatVector m = FloatVector.fromArray(FloatVector.SPECIES_256, seed, 0);
        FloatVector c0 = m, c1 = m.add(1), c2 = m.add(2), c3 = m.add(3);
        FloatVector c4 = m.add(4), c5 = m.add(5), c6 = m.add(6), c7 = m.add(7);
        for (int i = 0; i < steps; i++) {
            c0 = c0.fma(m, m); c1 = c1.fma(m, m); c2 = c2.fma(m, m); c3 = c3.fma(m, m);
            c4 = c4.fma(m, m); c5 = c5.fma(m, m); c6 = c6.fma(m, m); c7 = c7.fma(m, m);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).reduceLanes(VectorOperators.ADD);
    }
}
