package io.isthmus.kernels.simd;

import java.util.Arrays;

/**
 * Copies blocks of op(A) and op(B) into the layouts the tile kernels stream through; packing is
 * also where the transposes are absorbed, so the kernels see one layout only.
 */
final class GemmPacking {

    private GemmPacking() {
    }

    /**
     * Packs op(B)[kc, nc] (rows from p0, columns from j0) into column panels of width nr:
     * panel q holds [kc, nr] at {@code q * kc * nr}, zero-padded past column nc.
     * b: [k, ldb] from bOff, or [n, ldb] when {@code transB}.
     */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int p0, int kc, int j0, int nc,
                      int nr, float[] bp) {
        packB(transB, b, bOff, ldb, p0, kc, j0, nc, nr, bp, 0);
    }

    /** As {@link #packB(boolean, float[], int, int, int, int, int, int, int, float[])}, panels from bpOff. */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int p0, int kc, int j0, int nc,
                      int nr, float[] bp, int bpOff) {
        for (int q = 0, jq = 0; jq < nc; q++, jq += nr) {
            int width = Math.min(nr, nc - jq);
            int panel = bpOff + q * kc * nr;
            if (!transB) {
                int src = bOff + p0 * ldb + j0 + jq;
                for (int p = 0; p < kc; p++, src += ldb) {
                    int dst = panel + p * nr;
                    System.arraycopy(b, src, bp, dst, width);
                    if (width < nr) {
                        Arrays.fill(bp, dst + width, dst + nr, 0f);
                    }
                }
            } else {
                if (width < nr) {
                    Arrays.fill(bp, panel, panel + kc * nr, 0f);
                }
                for (int j = 0; j < width; j++) {
                    // op(B)[p, j] = b[j, p]: read a row of b, write a column of the panel.
                    int src = bOff + (j0 + jq + j) * ldb + p0;
                    for (int p = 0; p < kc; p++) {
                        bp[panel + p * nr + j] = b[src + p];
                    }
                }
            }
        }
    }

    /**
     * Packs op(A)[mc, kc] (rows from i0, columns from p0) into row strips of height mr, each
     * column-interleaved: strip s holds [kc, mr] at {@code s * kc * mr}, element (i, p) of the
     * strip at {@code p * mr + i}, rows past mc zero. a: [m, lda] from aOff, or [k, lda] when
     * {@code transA}.
     */
    static void packA(boolean transA, float[] a, int aOff, int lda, int i0, int mc, int p0, int kc,
                      int mr, float[] ap) {
        packA(transA, a, aOff, lda, i0, mc, p0, kc, mr, ap, 0);
    }

    /** As {@link #packA(boolean, float[], int, int, int, int, int, int, int, float[])}, strips from apOff. */
    static void packA(boolean transA, float[] a, int aOff, int lda, int i0, int mc, int p0, int kc,
                      int mr, float[] ap, int apOff) {
        for (int is = 0; is < mc; is += mr) {
            int rows = Math.min(mr, mc - is);
            int strip = apOff + is * kc;
            if (rows < mr) {
                Arrays.fill(ap, strip, strip + kc * mr, 0f);
            }
            if (transA) {
                // op(A)[i, p] = a[p, i]: each step is a contiguous run of the strip's rows.
                int src = aOff + p0 * lda + i0 + is;
                for (int p = 0; p < kc; p++, src += lda) {
                    System.arraycopy(a, src, ap, strip + p * mr, rows);
                }
            } else {
                for (int i = 0; i < rows; i++) {
                    int src = aOff + (i0 + is + i) * lda + p0;
                    int dst = strip + i;
                    for (int p = 0; p < kc; p++) {
                        ap[dst + p * mr] = a[src + p];
                    }
                }
            }
        }
    }
}
