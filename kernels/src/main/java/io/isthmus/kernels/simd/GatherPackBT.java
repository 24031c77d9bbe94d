package io.isthmus.kernels.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Packs a transposed B (op(B) = b^T, b stored [n, ldb] with k contiguous, as a Linear layer's
 * weight in {@code x W^T}) into the 32-column panels of {@link Tile512x8x32} with 512-bit
 * gathers: one gather reads 16 rows of b at one k and fills half a panel row, where the scalar
 * transpose in {@link GemmPacking#packB} moves one value per load/store pair.
 */
final class GatherPackBT {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    private static final int NR = 32;
    private static final int HALF = 16;

    private GatherPackBT() {
    }

    /**
     * As {@link GemmPacking#packB} with {@code transB == true} and nr 32: b: [n, ldb] from bOff;
     * bp: panel q holds [kc, 32] at {@code q * kc * 32}, zero-padded past column nc.
     * map: scratch of 16 ints (overwritten).
     */
    static void pack(float[] b, int bOff, int ldb, int p0, int kc, int j0, int nc, float[] bp, int[] map) {
        for (int lane = 0; lane < HALF; lane++) {
            map[lane] = lane * ldb;
        }
        int fullColumns = nc - nc % NR;
        for (int jq = 0; jq < fullColumns; jq += NR) {
            int panel = jq / NR * kc * NR;
            int upper = bOff + (j0 + jq) * ldb + p0;
            int lower = upper + HALF * ldb;
            for (int p = 0; p < kc; p++) {
                FloatVector.fromArray(S, b, upper + p, map, 0).intoArray(bp, panel + p * NR);
                FloatVector.fromArray(S, b, lower + p, map, 0).intoArray(bp, panel + p * NR + HALF);
            }
        }
        if (fullColumns < nc) {
            GemmPacking.packB(true, b, bOff, ldb, p0, kc, j0 + fullColumns, nc - fullColumns, NR, bp,
                    fullColumns / NR * kc * NR);
        }
    }
}
