package io.isthmus.kernels.gemm;

import io.isthmus.kernels.Threads;

import java.util.concurrent.locks.LockSupport;

/**
 * Times SIMD against OpenBLAS on private buffers of a product's shape (the caller's arrays are
 * never touched), for {@link AutoGemm}; {@link GemmWarmup} gets the SIMD GEMM compiled first.
 *
 * <p>A probe, on the caller's thread, is one block of each backend, SIMD's first: calls back to
 * back, the first third untimed, then samples of {@link #SAMPLE_NANOS} (as many
 * calls as fit) until the block has run {@link #BLOCK_NANOS}, at least two; each backend's time
 * is its best sample (another process only ever makes a sample slower). So a probe takes about
 * 6 ms, and at least six calls. Why blocks, and why this order, measured on the 2-core machine:
 * <ul>
 *   <li>a backend on two threads needs its second thread awake, and the core under it up to
 *       speed: after a pause, SIMD 64^3 took 61 us a call instead of 3 (its helper parks 50 us
 *       after a product), 128x256x784 twice its time for its first 25 calls. Samples of each
 *       backend in turn would pay that in every sample; a block pays it in its lead-in;</li>
 *   <li>OpenBLAS's threads spin for about 0.1 s after a parallel product and hold the other
 *       core: SIMD 1024^3 on two threads then took 13-14 ms instead of 7. So SIMD goes first,
 *       and a probe only counts as quiet if no parallel OpenBLAS product ended shortly before
 *       ({@link BlasGemm#nanosSinceParallelCall()}).</li>
 * </ul>
 * Uncompiled SIMD code is stopped early: if SIMD's first call ran below
 * {@link #COLD_MACS_PER_NANO} (compiled SIMD runs ten times that on any shape), or its best
 * was more than {@link GemmWarmup#COLD_RATIO} times OpenBLAS's first call, the probe ends there
 * (more calls of uncompiled code on a large product could take seconds).
 *
 * <p>Products above {@link #FULL_WORK} multiply-adds are timed with k cut to
 * {@link #MIN_CUT_DEPTH} (or the depth that brings them to {@code FULL_WORK}, when more): a GEMM
 * goes through k in slices of a few hundred, each the same work on all of C, so the time per
 * multiply-add stays, and a probe of 2048^3 costs about two calls of it instead of six.
 * Operands needing more than {@link #MAX_FLOATS} floats are not timed.
 *
 * <p>A probe is <em>quiet</em> when no GEMM warm-up runs, no JIT compilation ended during it or
 * within {@link #QUIET_NANOS} before (see {@link JitActivity}), and, when SIMD splits the product
 * across threads, no parallel OpenBLAS product ended within {@link #SPIN_NANOS} before.
 */
final class GemmProbe implements ShapeTimer {

    /** Each backend's block runs about this long; its first third is a lead-in, not timed. */
    static final long BLOCK_NANOS = 3_000_000;
    /** The same when either backend runs the product on several threads. */
    static final long PARALLEL_BLOCK_NANOS = 9_000_000;
    static final long SAMPLE_NANOS = 100_000;
    static final int MAX_SAMPLES = 128;
    /** A first SIMD call slower than this many multiply-adds per nanosecond (5 GFLOPS) runs uncompiled code. */
    static final double COLD_MACS_PER_NANO = 2.5;
    /** Products up to this many multiply-adds (512^3) are timed as they are. */
    static final long FULL_WORK = 1L << 27;
    /** Larger ones keep at least this much of k: two slices of the SIMD GEMM and of OpenBLAS. */
    static final int MIN_CUT_DEPTH = 512;
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
    public boolean readyOrRequest(boolean transA, boolean transB) {
        int layout = GemmWarmup.layout(transA, transB);
        if (warmup.isReady(layout)) {
            return true;
        }
        warmup.request(layout);
        return warmup.isReady(layout);
    }

    @Override
    public boolean quiet(int m, int n, int k) {
        boolean simdSplits = Threads.count() > 1 && (long) m * n * k >= Threads.SIMD_GEMM_SPLIT_WORK;
        return warmup.isIdle() && jit.quietFor(QUIET_NANOS)
                && (!simdSplits || BlasGemm.nanosSinceParallelCall() >= SPIN_NANOS);
    }

    @Override
    public void warmUpAll() {
        warmup.requestAll();
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
        if (!warmup.await(nanos)) {
            return false;
        }
        int depth = probeDepth(m, n, k);
        if (ProbeOperands.floats(m, n, depth) <= MAX_FLOATS
                && !warmup.compileShape(transA, transB, m, n, depth, deadline)) {
            return false;
        }
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
        ProbeOperands ops = new ProbeOperands(transA, transB, m, n, depth);

        long simdFirst = ops.time(simd, 1);
        if (simdFirst > 1_000_000 && (double) m * n * depth / simdFirst < COLD_MACS_PER_NANO) {
            return new Timings(simdFirst, -1, false);
        }
        // Longer blocks when a backend runs on several threads: its second thread must wake and
        // get its own core, and another process's time slice (a few ms) must not fill a whole block.
        boolean parallel = Threads.count() > 1 && (long) m * n * depth >= Threads.SIMD_GEMM_SPLIT_WORK;
        long blockNanos = parallel ? PARALLEL_BLOCK_NANOS : BLOCK_NANOS;
        long bestSimd = block(simd, ops, simdFirst, blockNanos);
        long blasFirst = ops.time(blas, 1);
        if (bestSimd > GemmWarmup.COLD_RATIO * blasFirst) {
            return new Timings(bestSimd, blasFirst, false);
        }
        long bestBlas = block(blas, ops, blasFirst, blockNanos);
        boolean quiet = quietBefore && jit.total() == compiledBefore;
        return new Timings(bestSimd, bestBlas, quiet);
    }

    /**
     * One backend's block, after its first call (which took {@code firstNanos}): calls until a
     * third of {@code blockNanos} has passed, untimed, then samples until the block has run
     * {@code blockNanos} (at least two). The best sample's time per call.
     */
    private static long block(Gemm gemm, ProbeOperands ops, long firstNanos, long blockNanos) {
        long start = System.nanoTime() - firstNanos;
        while (System.nanoTime() - start < blockNanos / 3) {
            ops.time(gemm, 1);
        }
        int calls = (int) Math.max(1, SAMPLE_NANOS / Math.max(1, firstNanos));
        long best = Long.MAX_VALUE;
        for (int sample = 0; sample < 2 || (sample < MAX_SAMPLES && System.nanoTime() - start < blockNanos); sample++) {
            best = Math.min(best, ops.time(gemm, calls) / calls);
        }
        return best;
    }

}
