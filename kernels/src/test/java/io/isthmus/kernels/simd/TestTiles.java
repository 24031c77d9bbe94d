package io.isthmus.kernels.simd;

import io.isthmus.kernels.Threads;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Assumptions;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** What the SIMD GEMM's tests share: the tile kernels this CPU runs, operands, a thread count for a while. */
final class TestTiles {

    private TestTiles() {
    }

    /** The tile kernel of {@code bits}-bit vectors; the test is skipped where this CPU lacks them. */
    static TileKernel orSkip(int bits) {
        Assumptions.assumeTrue(FloatVector.SPECIES_PREFERRED.vectorBitSize() >= bits, "CPU lacks " + bits + "-bit vectors");
        return VectorKernels.tileKernel(bits);
    }

    /** Every tile kernel this CPU runs, narrowest first. */
    static List<TileKernel> supported() {
        List<TileKernel> tiles = new ArrayList<>();
        for (int bits = 128; bits <= FloatVector.SPECIES_PREFERRED.vectorBitSize(); bits *= 2) {
            tiles.add(VectorKernels.tileKernel(bits));
        }
        return tiles;
    }

    /** {@code length} floats uniform in [-1, 1). */
    static float[] filled(Random random, int length) {
        float[] values = new float[length];
        for (int i = 0; i < length; i++) {
            values[i] = random.nextFloat() * 2 - 1;
        }
        return values;
    }

    /** Runs {@code body} with the thread count set to {@code threads}, restored after. */
    static void onThreads(int threads, Runnable body) {
        int before = Threads.count();
        Threads.set(threads);
        try {
            body.run();
        } finally {
            Threads.set(before);
        }
    }
}
