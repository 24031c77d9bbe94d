package io.isthmus.kernels.gemm;

import io.isthmus.kernels.Threads;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Times SIMD against OpenBLAS on private buffers of a product's shape (the caller's arrays are
 * never touched), for {@link AutoGemm}; {@link GemmWarmup} gets the SIMD GEMM compiled first.
 *
 * <p>A probe, on the caller's thread:
 * <ol>
 *   <li>a {@linkplain #sentinel sentinel}: the shape's pilot, a product small enough to take a
 *       few microseconds, through the same branches of the SIMD GEMM. If SIMD runs uncompiled
 *       code there (a branch never taken before sends a compiled method back to the interpreter
 *       until C2 has recompiled it), the probe ends: one call of the real shape could take
 *       hundreds of ms (measured: 172 ms for a 128x128x784 product that takes 0.15);</li>
 *   <li>one block of each backend, SIMD's first: calls back to back, the first third untimed,
 *       then samples of {@link #SAMPLE_NANOS} (as many calls as fit), at least two, until the
 *       block has run {@link #BLOCK_NANOS} ({@link #PARALLEL_BLOCK_NANOS} when a backend splits
 *       the product across threads); each backend's time is its best sample;</li>
 *   <li>stopped early too if SIMD's first call ran below {@link #COLD_MACS_PER_NANO} (compiled
 *       SIMD runs ten times that on any shape), or its best was more than
 *       {@link GemmWarmup#COLD_RATIO} times OpenBLAS's first call.</li>
 * </ol>
 * So a probe takes about 6 ms, 18 ms for a product split across threads, and at least six calls.
 * Why so, measured on the 2-core machine:
 * <ul>
 *   <li>on one thread the samples are timed on the caller's CPU clock: another thread or process
 *       taking the core for a while does not count, so a busy machine still gives each
 *       backend's own time;</li>
 *   <li>on several, the wall clock, and the second thread must be awake and on its own core:
 *       after a pause, SIMD 64^3 took 61 us a call instead of 3 (its helper parks 50 us after a
 *       product), 128x256x784 twice its time for its first 25 calls. Samples of each backend in
 *       turn would pay that in every sample; a block pays it in its lead-in, and is long enough
 *       that another process's time slice (a few ms) does not cover it;</li>
 *   <li>OpenBLAS's threads spin for about 0.1 s after a parallel product and hold the other
 *       core: SIMD 1024^3 on two threads then took 13-14 ms instead of 7. So SIMD goes first,
 *       and a probe only counts as quiet if no parallel OpenBLAS product ended shortly before
 *       ({@link BlasGemm#nanosSinceParallelCall()}).</li>
 * </ul>
 *
 * <p>Products above {@link #FULL_WORK} multiply-adds are timed with k cut to
 * {@link #MIN_CUT_DEPTH} (or the depth that brings them to {@code FULL_WORK}, when more): a GEMM
 * goes through k in slices of a few hundred, each the same work on all of C, so the time per
 * multiply-add stays, and a probe of 2048^3 costs about three calls of it instead of six.
 * Operands needing more than {@link #MAX_FLOATS} floats are not timed.
 *
 * <p>A probe is <em>quiet</em> when no GEMM warm-up runs, no JIT compilation ended during it or
 * within {@link #QUIET_NANOS} before (see {@link JitActivity}), and, when a backend splits the
 * product across threads, no parallel OpenBLAS product ended within {@link #SPIN_NANOS} before and
 * no other process used the CPUs within {@code QUIET_NANOS} before (see {@link MachineLoad}).
 */
final class GemmProbe implements ShapeTimer {

    /** Each backend's block runs about this long; its first third is a lead-in, not timed. */
    static final long BLOCK_NANOS = 3_000_000;
    /** The same when either backend runs the product on several threads. */
    static final long PARALLEL_BLOCK_NANOS = 9_000_000;
    static final long SAMPLE_NANOS = 100_000;
    static final int MAX_SAMPLES = 128;
    /** The sentinel's k (see {@link #sentinel}). */
    static final int SENTINEL_DEPTH = 16;
    /** Compiled SIMD runs any sentinel (a pilot at k 16: at most about 2^19 multiply-adds, one thread) well within this. */
    static final long SENTINEL_COLD_NANOS = 50_000;
    /** A first SIMD call slower than this many multiply-adds per nanosecond (5 GFLOPS) runs uncompiled code. */
    static final double COLD_MACS_PER_NANO = 2.5;
    /** Products up to this many multiply-adds (512^3) are timed as they are. */
    static final long FULL_WORK = 1L << 27;
    /**
     * Larger ones keep at least this much of k: four slices of the SIMD GEMM, and more than one of
     * OpenBLAS (cut to 512, 1024^3 on two threads measured SIMD 1.02x OpenBLAS's time against
     * 1.13x uncut).
     */
    static final int MIN_CUT_DEPTH = 1024;
    /** Private buffers are allocated per probe: beyond this many floats (64 MB), no probe. */
    static final long MAX_FLOATS = 1L << 24;
    /** No JIT compilation may have ended this long before a quiet probe. */
    static final long QUIET_NANOS = 300_000_000L;
    /** Nor, when SIMD splits the product, a parallel OpenBLAS product (its threads spin ~0.1 s after). */
    static final long SPIN_NANOS = 300_000_000L;

    private final Gemm simd;
    private final Gemm blas;
    private final GemmWarmup warmup;
    private final JitActivity jit = new JitActivity();
    private final MachineLoad machine = MachineLoad.ofProc();

    GemmProbe(Gemm simd, Gemm blas, GemmWarmup warmup) {
        this.simd = simd;
        this.blas = blas;
        this.warmup = warmup;
    }

    /** With the warm-up {@code -Disthmus.warmup} asks for. */
    GemmProbe(Gemm simd, Gemm blas) {
        this(simd, blas, GemmWarmup.configured(simd, blas));
    }

    @Override
    public boolean ready(boolean transA, boolean transB, int m, int n, int k) {
        return warmup.isShapeReady(transA, transB, m, n, k);
    }

    @Override
    public boolean quiet(int m, int n, int k) {
        // Split across threads (SIMD splits from a lower size than OpenBLAS), a probe is timed on
        // the wall clock and needs the other cores: no other process, no spinning OpenBLAS threads.
        boolean split = Threads.count() > 1 && (long) m * n * k >= Threads.SIMD_GEMM_SPLIT_WORK;
        return warmup.isIdle() && jit.quietFor(QUIET_NANOS) && (!split
                || BlasGemm.nanosSinceParallelCall() >= SPIN_NANOS && machine.quietFor(QUIET_NANOS));
    }

    @Override
    public void warmUpAll() {
        warmup.requestAll();
    }

    @Override
    public void warmUp(boolean transA, boolean transB, int m, int n, int k) {
        warmup.requestShape(transA, transB, m, n, k);
    }

    @Override
    public boolean awaitWarmUp(long nanos) {
        long deadline = System.nanoTime() + nanos;
        // Quiet for any shape: no compilation, no spinning OpenBLAS threads.
        return warmup.await(nanos) && awaitQuiet(1 << 10, 1 << 10, 1 << 10, deadline);
    }

    @Override
    public boolean prepare(boolean transA, boolean transB, int m, int n, int k, long nanos) {
        long deadline = System.nanoTime() + nanos;
        warmup.requestAll();
        warmup.requestShape(transA, transB, m, n, k);
        if (!warmup.await(nanos)) {
            return false;
        }
        int depth = probeDepth(m, n, k);
        if (ProbeOperands.floats(m, n, depth) <= MAX_FLOATS
                && !warmup.settleShape(transA, transB, m, n, depth, deadline)) {
            return false;
        }
        // A probe nobody uses, so that the probe's own code is compiled before the one that counts.
        time(transA, transB, m, n, k);
        return awaitQuiet(m, n, k, deadline);
    }

    private boolean awaitQuiet(int m, int n, int k, long deadline) {
        while (!quiet(m, n, k)) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            LockSupport.parkNanos(5_000_000);
        }
        return true;
    }

    /** k of the product a probe times for an m x n x k call (see the class comment). */
    static int probeDepth(int m, int n, int k) {
        long work = (long) m * n * k;
        if (work <= FULL_WORK) {
            return k;
        }
        long depth = Math.max(MIN_CUT_DEPTH, FULL_WORK / ((long) m * n));
        return (int) Math.min(k, depth);
    }

    @Override
    public Timings time(boolean transA, boolean transB, int m, int n, int k) {
        return warmup.probing(() -> timeAlone(transA, transB, m, n, k));
    }

    private Timings timeAlone(boolean transA, boolean transB, int m, int n, int k) {
        int depth = probeDepth(m, n, k);
        if (ProbeOperands.floats(m, n, depth) > MAX_FLOATS) {
            return null;
        }
        boolean quietBefore = quiet(m, n, k);
        long compiledBefore = jit.total();
        long sentinel = sentinel(transA, transB, m, n, k);
        if (sentinel >= 0) {
            warmup.requestShapeAgain(transA, transB, m, n, k);
            return new Timings(sentinel, -1, false);
        }
        ProbeOperands ops = new ProbeOperands(transA, transB, m, n, depth);
        // On one thread a backend's time is the caller's CPU time: another thread taking the core
        // for a while does not count. On several, the wall clock, in longer blocks: the second
        // thread must wake and get its own core, and another process's time slice (a few ms) must
        // not fill a whole block. (SIMD splits from a lower size than OpenBLAS.)
        boolean parallel = Threads.count() > 1 && (long) m * n * depth >= Threads.SIMD_GEMM_SPLIT_WORK;
        LongSupplier clock = parallel ? WALL : CPU;
        long blockNanos = parallel ? PARALLEL_BLOCK_NANOS : BLOCK_NANOS;

        long simdFirst = ops.time(simd, 1, clock);
        if (simdFirst > 1_000_000 && (double) m * n * depth / simdFirst < COLD_MACS_PER_NANO) {
            return new Timings(simdFirst, -1, false);
        }
        long bestSimd = block(simd, ops, clock, blockNanos);
        long blasFirst = ops.time(blas, 1, clock);
        if (bestSimd > GemmWarmup.COLD_RATIO * blasFirst) {
            return new Timings(bestSimd, blasFirst, false);
        }
        long bestBlas = block(blas, ops, clock, blockNanos);
        boolean quiet = quietBefore && jit.total() == compiledBefore;
        return new Timings(bestSimd, bestBlas, quiet);
    }

    /**
     * SIMD's time on this shape's {@linkplain GemmWarmup#pilot pilot} with k cut to
     * {@link #SENTINEL_DEPTH} if it runs uncompiled code there (more than
     * {@link #SENTINEL_COLD_NANOS} and {@link GemmWarmup#COLD_RATIO} times OpenBLAS's), else -1.
     * The same branches on a product this small: found cold for a few ms, where one call of the
     * real shape could take hundreds. Best of three calls of each (a second thread waking up can
     * hold up the first).
     */
    private long sentinel(boolean transA, boolean transB, int m, int n, int k) {
        int[] p = GemmWarmup.pilot(m, n, Math.min(k, SENTINEL_DEPTH));
        // Below the split threshold, so on one thread: timed on the caller's CPU clock.
        p[2] = (int) Math.max(1, Math.min(p[2], (Threads.SIMD_GEMM_SPLIT_WORK - 1) / ((long) p[0] * p[1])));
        ProbeOperands ops = new ProbeOperands(transA, transB, p[0], p[1], p[2]);
        long simdNanos = Long.MAX_VALUE;
        long blasNanos = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            simdNanos = Math.min(simdNanos, ops.time(simd, 1, CPU));
        }
        for (int i = 0; i < 3; i++) {
            blasNanos = Math.min(blasNanos, ops.time(blas, 1, CPU));
        }
        return simdNanos > SENTINEL_COLD_NANOS && simdNanos > GemmWarmup.COLD_RATIO * blasNanos ? simdNanos : -1;
    }

    /**
     * One backend's block, after its first call: calls until a third of {@code blockNanos} has
     * passed (wall clock, the first call included), untimed, then samples of about
     * {@link #SAMPLE_NANOS} until the block has run {@code blockNanos} (at least two). The best
     * sample's time per call, on {@code clock}.
     */
    private static long block(Gemm gemm, ProbeOperands ops, LongSupplier clock, long blockNanos) {
        long start = System.nanoTime();
        long one = ops.time(gemm, 1);
        while (System.nanoTime() - start < blockNanos / 3) {
            one = Math.min(one, ops.time(gemm, 1));
        }
        int calls = (int) Math.max(1, SAMPLE_NANOS / Math.max(1, one));
        long best = Long.MAX_VALUE;
        for (int sample = 0; sample < 2 || (sample < MAX_SAMPLES && System.nanoTime() - start < blockNanos); sample++) {
            best = Math.min(best, ops.time(gemm, calls, clock) / calls);
        }
        return best;
    }

    private static final LongSupplier WALL = System::nanoTime;
    /** The calling thread's CPU time, where the JVM has it (else the wall clock). */
    private static final LongSupplier CPU = cpuClock();

    private static LongSupplier cpuClock() {
        try {
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            if (threads.isCurrentThreadCpuTimeSupported()) {
                if (!threads.isThreadCpuTimeEnabled()) {
                    threads.setThreadCpuTimeEnabled(true);
                }
                return threads::getCurrentThreadCpuTime;
            }
        } catch (LinkageError | SecurityException | UnsupportedOperationException e) {
            // no java.management, or not allowed: the wall clock
        }
        return WALL;
    }

}
