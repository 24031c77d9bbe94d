package io.isthmus.kernels.simd;

/**
 * One thread's packing buffers, kept and reused across calls so that large panels are not
 * allocated (and page-faulted in) again on every GEMM.
 */
final class GemmScratch {

    private static final ThreadLocal<GemmScratch> PER_THREAD = ThreadLocal.withInitial(GemmScratch::new);

    private float[] packedA = new float[0];
    private float[] packedB = new float[0];
    /** Spill space for one register tile on its way to C (the largest tile is 12 x 32). */
    private final float[] tile = new float[12 * 32];

    static GemmScratch get() {
        return PER_THREAD.get();
    }

    /** A buffer for a packed A block of at least {@code size} floats. */
    float[] packedA(int size) {
        if (packedA.length < size) {
            packedA = new float[size];
        }
        return packedA;
    }

    private final int[] gatherMap = new int[16];

    /** Scratch for {@link GatherPackA}'s index map. */
    int[] gatherMap() {
        return gatherMap;
    }

    /** Scratch for {@link TileKernel}'s accumulators. */
    float[] tile() {
        return tile;
    }

    private float[] transposed = new float[0];

    /** A buffer for a transposed product (see SimdGemm's swapped operands) of at least {@code size} floats. */
    float[] transposed(int size) {
        if (transposed.length < size) {
            transposed = new float[size];
        }
        return transposed;
    }

    /** A buffer for packed B panels of at least {@code size} floats. */
    float[] packedB(int size) {
        if (packedB.length < size) {
            packedB = new float[size];
        }
        return packedB;
    }
}
