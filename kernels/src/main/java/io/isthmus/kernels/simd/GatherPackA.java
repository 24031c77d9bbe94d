package io.isthmus.kernels.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Packs row-major (non-transposed) A into the 8-row strips of {@link Tile512x8x32} with 512-bit
 * gathers: one gather fills two k steps of a strip (16 values), where the scalar transpose in
 * {@link GemmPacking#packA} moves one value per load/store pair (measured: 128x784x256 went from
 * 139-156 to 162-170 GFLOPS, 512^3 from 155-158 to 165-180).
 */
final class GatherPackA {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    private static final int MR = 8;

    private GatherPackA() {
    }

    /**
     * As {@link GemmPacking#packA} with {@code transA == false} and mr 8: a: [m, lda] from aOff;
     * ap: strips of [kc, 8], element (i, p) of strip s at {@code s * kc * 8 + p * 8 + i}.
     * map: scratch of 16 ints (overwritten).
     */
    static void pack(float[] a, int aOff, int lda, int i0, int mc, int p0, int kc, float[] ap, int[] map) {
        // Lane L of a gather reads row L % 8, step L / 8 of the strip.
        for (int lane = 0; lane < 16; lane++) {
            map[lane] = (lane % MR) * lda + lane / MR;
        }
        int fullRows = mc - mc % MR;
        int evenK = kc & ~1;
        for (int is = 0; is < fullRows; is += MR) {
            int src = aOff + (i0 + is) * lda + p0;
            int strip = is * kc;
            for (int p = 0; p < evenK; p += 2) {
                FloatVector.fromArray(S, a, src + p, map, 0).intoArray(ap, strip + p * MR);
            }
            if (evenK < kc) {
                for (int i = 0; i < MR; i++) {
                    ap[strip + evenK * MR + i] = a[src + i * lda + evenK];
                }
            }
        }
        if (fullRows < mc) {
            GemmPacking.packA(false, a, aOff, lda, i0 + fullRows, mc - fullRows, p0, kc, MR, ap, fullRows * kc);
        }
    }
}
