package io.isthmus.kernels.simd;

import io.isthmus.kernels.Threads;
import io.isthmus.kernels.gemm.CompilingGemm;
import io.isthmus.kernels.gemm.Gemm;
import io.isthmus.kernels.gemm.GemmEdges;
import io.isthmus.kernels.gemm.PreparedB;

/**
 * Vector API GEMM: cache-blocked (kc x nc panels of B, mc x kc blocks of A), packed, with a
 * register-tile micro-kernel ({@link TileKernel}) doing all the arithmetic.
 *
 * <p>Loop nest per thread: for each nc column block, for each kc slice, pack op(B) into nr-wide
 * panels (kept in L1 while a column of tiles runs), then for each mc row block get op(A) rows
 * (packed, or read in place when A is not transposed and each row is used for few panels; then
 * B's full panels too, when C has few rows), then run the tiles. From
 * {@link Threads#SIMD_GEMM_SPLIT_WORK} multiply-adds on, the rows (or the columns, when C is
 * wide) are split over {@link GemmCrew} (up to {@link Threads#count()}); each packs into its own
 * scratch. A {@link PreparedB} is packed once, whole, at its first product, and its panels are
 * read from there by every later one (nothing of B is packed or read in place per call).
 *
 * <p>Until its vector tile is compiled (see {@link TileWarmup}), calls run {@link FmaLoopGemm},
 * the bit-identical plain-loop twin.
 */
public final class SimdGemm implements Gemm {

    private final TileKernel kernel;
    /** The bit-identical plain-loop twin, run while the warm-up has not compiled the vector tile. */
    private final FmaLoopGemm twin;
    /** Null: the vector tile from the first call (tests, {@code -Disthmus.warmup=false}). */
    private final TileWarmup warmup;
    private final int kcBlock;
    private final int mcBlock;
    private final int ncBlock;
    /** A rows are read in place (not packed) when a block of C has at most this many column panels. */
    private final int directPanels;
    /**
     * With A read in place, full panels of B are read in place too when C has at most this many rows:
     * few row tiles share each panel then, so packing it costs more than it saves (measured: 64^3
     * 131 -> 151 GFLOPS, 96^3 140 -> 157; 128^3 unchanged).
     */
    private final int inPlaceRows;

    SimdGemm(TileKernel kernel, int kcBlock, int mcBlock, int ncBlock, int directPanels) {
        this(kernel, kcBlock, mcBlock, ncBlock, directPanels, 128);
    }

    SimdGemm(TileKernel kernel, int kcBlock, int mcBlock, int ncBlock, int directPanels, int inPlaceRows) {
        this(kernel, kcBlock, mcBlock, ncBlock, directPanels, inPlaceRows, null);
    }

    /**
     * @param warmupOf the warm-up of the vector tile, given this GEMM on the vector tile and its twin;
     *                 null to run the vector tile from the first call
     */
    SimdGemm(TileKernel kernel, int kcBlock, int mcBlock, int ncBlock, int directPanels, int inPlaceRows,
             java.util.function.BiFunction<Gemm, Gemm, TileWarmup> warmupOf) {
        this.inPlaceRows = inPlaceRows;
        this.kernel = kernel;
        this.twin = new FmaLoopGemm(kcBlock);
        this.kcBlock = kcBlock;
        this.mcBlock = mcBlock - mcBlock % kernel.rows();
        this.ncBlock = ncBlock - ncBlock % kernel.cols();
        this.directPanels = directPanels;
        this.warmup = warmupOf == null ? null : warmupOf.apply(vectorOnly(), twin);
    }

    SimdGemm(TileKernel kernel) {
        this(kernel, 256, 384, 4096, 4);
    }

    /**
     * The GEMM of {@code kernel} whose calls run the bit-identical {@link FmaLoopGemm} until a
     * {@link TileWarmup} thread has the vector tile compiled (results never show which ran); the
     * vector tile from the first call with {@code -Disthmus.warmup=false}.
     */
    static SimdGemm warmingUp(TileKernel kernel) {
        if (!KernelWarmup.enabled()) {
            return new SimdGemm(kernel);
        }
        return new SimdGemm(kernel, 256, 384, 4096, 4, 128, TileWarmup::onDaemonThread);
    }

    /** Starts compiling the vector tile in the background, if it is not yet (no-op without warm-up). */
    void warmUp() {
        if (warmup != null) {
            warmup.request();
        }
    }

    /**
     * This GEMM on the vector tile always, compiled or not: what a timing of the SIMD GEMM must run
     * (AutoGemm's probes), as the twin is only a stopgap.
     */
    CompilingGemm vectorOnly() {
        return new CompilingGemm() {
            @Override
            public boolean awaitCompiled(long nanos) {
                return warmup == null || warmup.await(nanos);
            }

            @Override
            public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                              float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float beta, float[] c, int cOff, int ldc) {
                multiply(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, null, beta, c, cOff, ldc);
            }

            @Override
            public void sgemm(boolean transA, int m, float alpha, float[] a, int aOff, int lda, PreparedB b,
                              float beta, float[] c, int cOff, int ldc) {
                multiplyPrepared(transA, m, alpha, a, aOff, lda, b, beta, c, cOff, ldc);
            }

            @Override
            public String name() {
                return "simd";
            }
        };
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        if (warmup != null && !warmup.hotOrRequest()) {
            twin.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        multiply(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, null, beta, c, cOff, ldc);
    }

    /** As the plain product, with B packed once into this GEMM's panels and kept in {@code b}. */
    @Override
    public void sgemm(boolean transA, int m, float alpha, float[] a, int aOff, int lda, PreparedB b,
                      float beta, float[] c, int cOff, int ldc) {
        if (warmup != null && !warmup.hotOrRequest()) {
            twin.sgemm(transA, m, alpha, a, aOff, lda, b, beta, c, cOff, ldc);
            return;
        }
        multiplyPrepared(transA, m, alpha, a, aOff, lda, b, beta, c, cOff, ldc);
    }

    private void multiplyPrepared(boolean transA, int m, float alpha, float[] a, int aOff, int lda, PreparedB b,
                                  float beta, float[] c, int cOff, int ldc) {
        int nPad = (b.n() + kernel.cols() - 1) / kernel.cols() * kernel.cols();
        // Nothing to multiply, or a packing past the largest array: the plain path.
        boolean packs = m > 0 && b.n() > 0 && b.k() > 0 && alpha != 0f && (long) b.k() * nPad <= Integer.MAX_VALUE - 8;
        PackedB packed = packs ? b.packed(this, PackedB.class, () -> pack(b)) : null;
        multiply(transA, b.transB(), m, b.n(), b.k(), alpha, a, aOff, lda, b.array(), b.offset(), b.ldb(), packed,
                beta, c, cOff, ldc);
    }

    /**
     * op(B) [k, n] packed as {@link #blocked} packs it, for all of k and n at once: the slice from
     * row pc at {@code pc * nPad}, its panel q at {@code + q * kc * nr} (nPad: n rounded up to nr).
     */
    record PackedB(float[] panels, int nPad) {
    }

    private PackedB pack(PreparedB b) {
        int nr = kernel.cols();
        int k = b.k();
        int n = b.n();
        int nPad = (n + nr - 1) / nr * nr;
        int kcMax = sliceLength(k, kcBlock);
        float[] panels = new float[k * nPad];
        for (int pc = 0; pc < k; pc += kcMax) {
            int kc = Math.min(kcMax, k - pc);
            GemmPacking.packB(b.transB(), b.array(), b.offset(), b.ldb(), pc, kc, 0, n, nr, panels, pc * nPad);
        }
        return new PackedB(panels, nPad);
    }

    /** The product on the vector tile; B from {@code packed} when it is not null. */
    private void multiply(boolean transA, boolean transB, int m, int n, int k, float alpha,
                          float[] a, int aOff, int lda, float[] b, int bOff, int ldb, PackedB packed,
                          float beta, float[] c, int cOff, int ldc) {
        if (GemmEdges.doneWithoutProduct(m, n, k, alpha, beta, c, cOff, ldc)) {
            return;
        }
        if (packed == null && swapsOperands(transA, transB, m, n, alpha, beta)) {
            // C^T [n, m] = B [n, k] x A^T: W read in place as the rows, only A packed; then transposed.
            float[] ct = GemmScratch.get().transposed(n * m);
            multiply(false, true, n, m, k, 1f, b, bOff, ldb, a, aOff, lda, null, 0f, ct, 0, m);
            for (int i = 0; i < m; i++) {
                int row = cOff + i * ldc;
                for (int j = 0; j < n; j++) {
                    c[row + j] = ct[j * m + i];
                }
            }
            return;
        }
        int threads = Threads.count();
        if (threads > 1 && (long) m * n * k >= Threads.SIMD_GEMM_SPLIT_WORK) {
            parallel(threads, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, packed, beta, c, cOff, ldc);
        } else {
            blocked(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, packed, 0, beta, c, cOff, ldc);
        }
    }

    /**
     * Whether C = A B^T is computed as its transpose B A^T: a Linear layer's forward x W^T with a
     * small batch (m rows, at most the few column panels for which the tile reads its rows in
     * place) against a wide W (n &gt; m). Packing B would copy all of W at every call (for the
     * 784-128 MLP at batch 32, 3x the work of the product's own loads); transposed, W is read
     * in place and only x is packed, and the [n, m] result is transposed into C. Same bits: each
     * element's fused multiply-adds are the same, in the same k slices and order, which holds
     * for alpha 1 and beta 0 (with other values the merge of each k slice would differ). Auto's
     * probes use alpha 1 and beta 0, so they time this path for such shapes: a Linear forward's
     * call; a product of the same class with other alpha or beta (an accumulating convolution
     * gradient, a scaled attention score) runs the plain path, which the probe does not time.
     */
    /** Floats of the per-thread buffer a swapped product goes through (8 MB; a 128-row product of 16K columns). */
    private static final int MAX_TRANSPOSED = 1 << 21;

    private boolean swapsOperands(boolean transA, boolean transB, int m, int n, float alpha, float beta) {
        return !transA && transB && alpha == 1f && beta == 0f && m < n && m <= directPanels * kernel.cols()
                && (long) m * n <= MAX_TRANSPOSED;
    }

    /**
     * Splits C into one stripe per thread: along m (each worker packs all of B) unless C is wider
     * than tall (then along n, each worker reading all of A), so redundant packing stays small.
     */
    private void parallel(int threads, boolean transA, boolean transB, int m, int n, int k, float alpha,
                          float[] a, int aOff, int lda, float[] b, int bOff, int ldb, PackedB packed,
                          float beta, float[] c, int cOff, int ldc) {
        int mr = kernel.rows();
        int nr = kernel.cols();
        boolean splitRows = m >= n ? m >= 2 * mr : n < 2 * nr;
        int units = splitRows ? (m + mr - 1) / mr : (n + nr - 1) / nr;
        int tasks = Math.min(threads, units);
        GemmCrew.run(tasks, t -> {
            int from = (int) ((long) units * t / tasks);
            int to = (int) ((long) units * (t + 1) / tasks);
            if (splitRows) {
                int i0 = from * mr;
                int rows = Math.min(m, to * mr) - i0;
                int aStart = aOff + (transA ? i0 : i0 * lda);
                blocked(transA, transB, rows, n, k, alpha, a, aStart, lda, b, bOff, ldb, packed, 0,
                        beta, c, cOff + i0 * ldc, ldc);
            } else {
                int j0 = from * nr;
                int cols = Math.min(n, to * nr) - j0;
                int bStart = bOff + (transB ? j0 * ldb : j0);
                blocked(transA, transB, m, cols, k, alpha, a, aOff, lda, b, bStart, ldb, packed, j0,
                        beta, c, cOff + j0, ldc);
            }
        });
    }

    /**
     * The single-threaded blocked product; a: op(A) [m, k], b: op(B) [k, n], c: [m, n]. With
     * {@code packed}, B's panels come from it (this call's column 0 being its column packedCol0)
     * and nothing of B is packed or read here.
     */
    private void blocked(boolean transA, boolean transB, int m, int n, int k, float alpha,
                         float[] a, int aOff, int lda, float[] b, int bOff, int ldb, PackedB packed, int packedCol0,
                         float beta, float[] c, int cOff, int ldc) {
        TileKernel tile = kernel;
        int mr = tile.rows();
        int nr = tile.cols();
        GemmScratch scratch = GemmScratch.get();
        // Equal k slices: 784 = 4 x 196, not 3 x 256 + 16 (a short slice pays a whole epilogue per few steps).
        int kcMax = sliceLength(k, kcBlock);
        int ncMax = Math.min(ncBlock, (n + nr - 1) / nr * nr);
        float[] bp = packed != null ? packed.panels() : scratch.packedB(kcMax * ncMax);
        float[] spill = scratch.tile();
        // The 8x32 tile's strips can be gathered (one 512-bit gather = two k steps of 8 rows).
        boolean gatherA = !transA && tile instanceof Tile512x8x32;
        boolean gatherB = transB && tile instanceof Tile512x8x32;
        for (int jc = 0; jc < n; jc += ncBlock) {
            int nc = Math.min(ncBlock, n - jc);
            boolean directA = !transA && (nc + nr - 1) / nr <= directPanels;
            boolean inPlaceB = directA && !transB && m <= inPlaceRows && packed == null;
            float[] ap = directA ? null : scratch.packedA((Math.min(m, mcBlock) + mr - 1) / mr * mr * kcMax);
            for (int pc = 0; pc < k; pc += kcMax) {
                int kc = Math.min(kcMax, k - pc);
                float blockBeta = pc == 0 ? beta : 1f;
                // Panels from fullPanels on are packed (all of them unless B is read in place).
                int fullPanels = inPlaceB ? nc / nr : 0;
                // Where this block's panels start in bp.
                int panels = packed == null ? 0 : pc * packed.nPad() + (packedCol0 + jc) / nr * kc * nr;
                if (packed == null && gatherB) {
                    GatherPackBT.pack(b, bOff, ldb, pc, kc, jc, nc, bp, scratch.gatherMap());
                } else if (packed == null) {
                    GemmPacking.packB(transB, b, bOff, ldb, pc, kc, jc + fullPanels * nr, nc - fullPanels * nr, nr, bp);
                }
                for (int ic = 0; ic < m; ic += mcBlock) {
                    int mc = Math.min(mcBlock, m - ic);
                    if (directA) {
                        int aRows = aOff + ic * lda + pc;
                        for (int jr = 0; jr < nc; jr += nr) {
                            int cols = Math.min(nr, nc - jr);
                            boolean inPlace = jr / nr < fullPanels;
                            float[] panelArray = inPlace ? b : bp;
                            int panel = inPlace ? bOff + pc * ldb + jc + jr : panels + (jr / nr - fullPanels) * kc * nr;
                            int panelStride = inPlace ? ldb : nr;
                            int cTile = cOff + ic * ldc + jc + jr;
                            for (int ir = 0; ir < mc; ir += mr) {
                                tile.multiply(a, aRows + ir * lda, lda, Math.min(mr, mc - ir), panelArray, panel,
                                        panelStride, kc, alpha, blockBeta, c, cTile + ir * ldc, ldc, cols, spill);
                            }
                        }
                    } else {
                        if (gatherA) {
                            GatherPackA.pack(a, aOff, lda, ic, mc, pc, kc, ap, scratch.gatherMap());
                        } else {
                            GemmPacking.packA(transA, a, aOff, lda, ic, mc, pc, kc, mr, ap);
                        }
                        for (int jr = 0; jr < nc; jr += nr) {
                            int cols = Math.min(nr, nc - jr);
                            int panel = panels + (jr / nr) * kc * nr;
                            int cTile = cOff + ic * ldc + jc + jr;
                            for (int ir = 0; ir < mc; ir += mr) {
                                tile.multiplyPacked(ap, ir * kc, Math.min(mr, mc - ir),
                                        bp, panel, kc, alpha, blockBeta, c, cTile + ir * ldc, ldc, cols, spill);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * The length of each k slice (the last may be shorter): k in equal slices of at most kcBlock.
     * {@link FmaLoopGemm} slices k the same way, which its bits depend on.
     */
    static int sliceLength(int k, int kcBlock) {
        int kSlices = (k + kcBlock - 1) / kcBlock;
        return (k + kSlices - 1) / kSlices;
    }

    @Override
    public String name() {
        return "simd";
    }
}
