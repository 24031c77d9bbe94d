package io.isthmus.kernels.simd;

import io.isthmus.kernels.gemm.Gemm;
import io.isthmus.kernels.gemm.ProbeOperands;

import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Gets {@link SimdGemm}'s vector code (the register tile and the gather packers) compiled off the
 * caller's thread, while its calls run the bit-identical {@link FmaLoopGemm}: until C2 has
 * compiled the vector tile, every vector operation is a boxed object (measured: the first epoch
 * of the 784-128-10 MLP took 1.8 s on the SIMD GEMM against 0.3 s later).
 *
 * <p>A daemon thread ({@code isthmus-gemm-tile-warmup}) runs a fixed set of small products through
 * the vector tile and through the twin, in alternation, until the vector one is faster on each
 * product for {@link #ROUNDS_AT_SPEED} rounds in a row; then the GEMM is
 * {@linkplain #isHot hot} and runs the vector tile from its next call. The set takes every branch
 * of the tile kernels and the packers from the start: full and edge tiles (rows and columns short
 * of the 8-, 12- and 16-row and 8-, 16- and 32-column tiles), beta 0 and beta other than 0 (what
 * every k slice after the first gets), A read in place (few column panels, for every tile width)
 * and packed, B read in place, packed and gathered, all four layouts. Its k stays small, so that
 * C2 compiles the methods from their calls rather than on-stack replacements of their loops. C2 compiles from
 * the profile it has seen, and turns a branch never taken into a trap that sends the method back
 * to its boxed code until recompiled: measured before this set, the tile methods were compiled and
 * thrown away four times in the MLP's first epoch.
 *
 * <p>Past {@link #BUDGET_NANOS} the GEMM is marked hot anyway (it then compiles from its real calls).
 * C2 needs 2-3.5 s for the tile on the 2-core VM while a trainer starts (measured), hence 5 s.
 */
final class TileWarmup {

    private static final System.Logger LOG = System.getLogger("io.isthmus");
    /** m, n, k of the products of a round (each overwriting C and accumulating into it, in each layout); all below the split threshold. */
    static final int[][] SHAPES = {{64, 64, 24}, {29, 45, 20}, {131, 140, 12}, {29, 140, 9}, {16, 32, 12},
            {13, 20, 9}, {1, 7, 5}};
    static final int ROUNDS_AT_SPEED = 2;
    /**
     * Products of at most this many multiply-adds are run (their branches count) but not judged:
     * their times are too short to compare.
     */
    private static final long JUDGED_WORK = 1 << 12;
    /** Rounds before any counts: the twin's loops are compiled by then, so "faster" means compiled. */
    private static final int MIN_ROUNDS = 5;
    static final long BUDGET_NANOS = 5_000_000_000L;
    /** Rounds after which C2 has the code queued; from then on rounds are paced to leave it the CPU. */
    private static final int ROUNDS_BEFORE_PAUSES = 30;
    private static final long PAUSE_NANOS = 1_000_000L;

    private final Gemm vector;
    private final Gemm twin;
    private final Consumer<Runnable> threadStarter;
    private final long budgetNanos;
    private final ProbeOperands[] operands;
    private volatile boolean hot;
    /** Whether the vector tile was found at speed (not merely given up on at the budget). */
    private volatile boolean compiled;
    private boolean started;

    /**
     * @param vector        the GEMM on the vector tile
     * @param twin          its bit-identical twin, {@link FmaLoopGemm}
     * @param threadStarter runs the warm-up loop on a new thread
     */
    TileWarmup(Gemm vector, Gemm twin, Consumer<Runnable> threadStarter) {
        this(vector, twin, threadStarter, BUDGET_NANOS);
    }

    /** With another budget (tests). */
    TileWarmup(Gemm vector, Gemm twin, Consumer<Runnable> threadStarter, long budgetNanos) {
        this.budgetNanos = budgetNanos;
        this.vector = vector;
        this.twin = twin;
        this.threadStarter = threadStarter;
        operands = new ProbeOperands[SHAPES.length * 4];
        for (int layout = 0; layout < 4; layout++) {
            for (int s = 0; s < SHAPES.length; s++) {
                operands[layout * SHAPES.length + s] = new ProbeOperands((layout & 1) != 0, (layout & 2) != 0,
                        SHAPES[s][0], SHAPES[s][1], SHAPES[s][2]);
            }
        }
    }

    static TileWarmup onDaemonThread(Gemm vector, Gemm twin) {
        return new TileWarmup(vector, twin,
                task -> Thread.ofPlatform().daemon().name("isthmus-gemm-tile-warmup").start(task));
    }

    /** True once the vector tile runs compiled; otherwise starts the warm-up (once) and returns false. */
    boolean hotOrRequest() {
        if (hot) {
            return true;
        }
        request();
        return false;
    }

    boolean isHot() {
        return hot;
    }

    /** Whether the warm-up ended with the vector tile at speed, rather than at its budget. */
    boolean compiledAtSpeed() {
        return compiled;
    }

    /** Starts the warm-up if needed and waits until the GEMM is hot, at most {@code nanos}; true if it is. */
    boolean await(long nanos) {
        request();
        long deadline = System.nanoTime() + nanos;
        while (!hot) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            LockSupport.parkNanos(1_000_000L);
        }
        return true;
    }

    /** Starts the warm-up thread, once. */
    synchronized void request() {
        if (started || hot) {
            return;
        }
        started = true;
        threadStarter.accept(this::warm);
    }

    private void warm() {
        long start = System.nanoTime();
        int rounds = 0;
        int atSpeed = 0;
        try {
            while (atSpeed < ROUNDS_AT_SPEED && System.nanoTime() - start < budgetNanos) {
                long[] vectorNanos = round(vector);
                long[] twinNanos = round(twin);
                rounds++;
                atSpeed = rounds >= MIN_ROUNDS && fasterOnEach(vectorNanos, twinNanos) ? atSpeed + 1 : 0;
                if (atSpeed == 0 && rounds >= ROUNDS_BEFORE_PAUSES) {
                    LockSupport.parkNanos(PAUSE_NANOS);
                }
            }
        } catch (RuntimeException e) {
            // Never expected (fixed, valid calls); the vector tile then compiles from real calls.
            LOG.log(System.Logger.Level.WARNING, "isthmus: GEMM tile warm-up failed: " + e, e);
        } finally {
            compiled = atSpeed >= ROUNDS_AT_SPEED;
            hot = true;
        }
        String outcome = atSpeed >= ROUNDS_AT_SPEED ? "compiled" : "given up (compiles from its calls)";
        int done = rounds;
        LOG.log(System.Logger.Level.DEBUG, () -> String.format("isthmus: GEMM vector tile %s after %d rounds, %.0f ms",
                outcome, done, (System.nanoTime() - start) / 1e6));
    }

    /**
     * Nanoseconds of each product of the set, run once overwriting C and once accumulating into
     * it, both scaled (alpha 0.5): every merge path of the tile.
     */
    private long[] round(Gemm gemm) {
        long[] nanos = new long[operands.length];
        for (int i = 0; i < operands.length; i++) {
            long start = System.nanoTime();
            operands[i].run(gemm, 0.5f, 0f);
            operands[i].run(gemm, 0.5f, 0.5f);
            nanos[i] = System.nanoTime() - start;
        }
        return nanos;
    }

    /**
     * Whether the vector tile beat the twin on every judged product: each product takes its own
     * paths (tile method, packer, layout), and one still boxed runs 10-100x slower than the twin,
     * while compiled they all run faster (the twin is 2-4x slower on these small products).
     */
    private boolean fasterOnEach(long[] vectorNanos, long[] twinNanos) {
        for (int i = 0; i < operands.length; i++) {
            if (operands[i].work() > JUDGED_WORK && vectorNanos[i] >= twinNanos[i]) {
                return false;
            }
        }
        return true;
    }
}
