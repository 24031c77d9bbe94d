package io.isthmus.kernels.gemm;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Gets the SIMD GEMM compiled, so that {@link AutoGemm} can time it: until C2 has compiled its
 * Vector API code it runs 10-1000x slower (every vector boxed), and a timing then would only say
 * "not compiled yet", after stalling the caller (measured: one uncompiled 128x128x784 call took
 * 172 ms instead of 0.15).
 *
 * <p>A daemon thread ({@code isthmus-gemm-warmup}) runs SIMD and OpenBLAS on private operands
 * until SIMD is within {@link #COLD_RATIO} of OpenBLAS twice in a row, in this order:
 * <ol>
 *   <li>the {@link #CORE} product of each layout (transA, transB) asked for, those a call waits
 *       for first: this compiles the layout's kernels, and the layout is then
 *       {@linkplain #isReady ready};</li>
 *   <li>a {@linkplain #pilot pilot} of each shape a call asked for ({@link #requestShape}): a
 *       small product that takes the same branches of the SIMD GEMM. C2 turns branches it never
 *       saw taken into traps that send a call back to slow code until it has recompiled
 *       (measured: right after compiling on a few fixed products, most other shapes still ran
 *       10-500x slower for a while); a pilot makes sure a later probe of the shape finds them
 *       compiled.</li>
 * </ol>
 * Only shapes calls meet are compiled: more speculative products cost the training that runs
 * meanwhile more than they saved. Measured in a fresh JVM on the 2-core machine, busy with other
 * processes: 1.2-2.5 s for the first layout (2.5-3.4 s while an MLP trained on the main thread),
 * much less for the others (most code is shared). The thread parks while a probe runs, and exits
 * when nothing is waiting. A layout whose core does not get to speed within
 * {@link #LAYOUT_BUDGET_NANOS} is given up (auto never times it in this process); a pilot gets
 * {@link #PILOT_BUDGET_NANOS} (on some shapes SIMD stays a few times slower than OpenBLAS for good).
 * With {@code -Disthmus.warmup=false} no thread is started: the caller that asks compiles, waiting.
 * When SIMD compiles its own code in the background ({@link CompilingGemm}: the SIMD GEMM's tile
 * warm-up), the thread first waits for that, at most a layout's budget, rather than run the same
 * code boxed beside it.
 */
final class GemmWarmup {

    static final String PROPERTY = "isthmus.warmup";
    private static final System.Logger LOG = System.getLogger("io.isthmus");
    /**
     * Compiled SIMD is never this many times slower than OpenBLAS on these products (on the
     * reference machine 0.5-1.3x of its time); SIMD code still boxing vectors is.
     */
    static final double COLD_RATIO = 3;
    static final long LAYOUT_BUDGET_NANOS = 5_000_000_000L;
    static final long PILOT_BUDGET_NANOS = 500_000_000L;
    /** {@link #settleShape} stops once SIMD's best time has held this long. */
    static final long SETTLE_NANOS = 300_000_000L;
    /** m, n, k of the product that compiles a layout's kernels (below 2^18: on the warm-up thread alone). */
    static final int[] CORE = {64, 64, 60};
    /** Each timed round runs about this long per backend. */
    private static final long ROUND_NANOS = 20_000;
    /** After this many rounds not at speed, C2 has the code queued; rounds are then paced to leave it the CPU. */
    private static final int ROUNDS_BEFORE_PAUSES = 20;
    private static final long PAUSE_NANOS = 1_000_000;

    private final Gemm simd;
    private final Gemm blas;
    /** Runs the warm-up loop on a new thread, or null: the asking caller runs it. */
    private final Consumer<Runnable> threadStarter;
    private final long layoutBudgetNanos;
    /** Layouts a call waits for, whose core is still to compile. */
    private final Deque<Integer> cores = new ArrayDeque<>();
    /** Pilots still to compile: {layout, m, n, k}. */
    private final Deque<int[]> pilots = new ArrayDeque<>();
    /** Layouts only {@link #requestAll} asked for, whose core is still to compile. */
    private final Deque<Integer> speculative = new ArrayDeque<>();
    private final Set<Long> pilotsAsked = new HashSet<>();
    private final Set<Long> pilotsDone = new HashSet<>();
    /** Probes running now: the warm-up thread stays off the CPU meanwhile (see {@link #probing}). */
    private final AtomicInteger probes = new AtomicInteger();
    private volatile int ready;
    private volatile int requested;
    /** Layouts a call has asked for (a subset of requested). */
    private volatile int urged;
    private boolean draining;

    GemmWarmup(Gemm simd, Gemm blas, Consumer<Runnable> threadStarter) {
        this(simd, blas, threadStarter, LAYOUT_BUDGET_NANOS);
    }

    /** With another budget for a layout's core (tests). */
    GemmWarmup(Gemm simd, Gemm blas, Consumer<Runnable> threadStarter, long layoutBudgetNanos) {
        this.simd = simd;
        this.blas = blas;
        this.threadStarter = threadStarter;
        this.layoutBudgetNanos = layoutBudgetNanos;
    }

    /** On a daemon thread, or on the caller with {@code -Disthmus.warmup=false}. */
    static GemmWarmup configured(Gemm simd, Gemm blas) {
        return new GemmWarmup(simd, blas, backgroundAllowed()
                ? task -> Thread.ofPlatform().daemon().name("isthmus-gemm-warmup").start(task)
                : null);
    }

    /** Whether {@code -Disthmus.warmup} allows background compilation (default: yes). */
    static boolean backgroundAllowed() {
        String text = System.getProperty(PROPERTY, "true").trim();
        if (!text.equals("true") && !text.equals("false")) {
            throw new IllegalArgumentException("-D" + PROPERTY + "=" + text + " is not true or false");
        }
        return text.equals("true");
    }

    /** 0-3: bit 0 transA, bit 1 transB. */
    static int layout(boolean transA, boolean transB) {
        return (transA ? 1 : 0) | (transB ? 2 : 0);
    }

    static String name(int layout) {
        return ((layout & 1) != 0 ? "T" : "N") + ((layout & 2) != 0 ? "T" : "N");
    }

    /**
     * m, n, k of a small product that takes the branches of the SIMD GEMM an m x n x k product
     * takes: m kept up to 48, else brought to [24, 48) if at most 128 and to [144, 168) if more,
     * keeping its remainder by 24 (edge rows of the 8- and 12-row tiles; B read in place up to
     * 128 rows); n kept up to 64, else brought to [96, 128) or [160, 192), keeping its remainder
     * by 32 (edge columns; A read in place up to 4 panels); k one slice of at most 64, or two.
     */
    static int[] pilot(int m, int n, int k) {
        int pm = m <= 48 ? m : m <= 128 ? 24 + m % 24 : 144 + m % 24;
        int pn = n <= 64 ? n : n <= 128 ? 96 + n % 32 : 160 + n % 32;
        int pk = k <= 256 ? Math.min(k, 64) : 300;
        return new int[] {pm, pn, pk};
    }

    boolean isReady(int layout) {
        return (ready >>> layout & 1) != 0;
    }

    /** Whether nothing is queued or compiling. */
    synchronized boolean isIdle() {
        return !draining;
    }

    /**
     * Queues a layout's core for compilation, ahead of those only queued by {@link #requestAll}
     * (a call waits for this one).
     */
    void request(int layout) {
        request(layout, true);
    }

    /**
     * Queues all four layouts behind any a call asked for: NT first (a Linear layer's forward
     * {@code x W^T}), then TN (its weight gradient {@code dy^T x}), NN (its input gradient), TT.
     */
    void requestAll() {
        int[] order = {layout(false, true), layout(true, false), layout(false, false), layout(true, true)};
        for (int layout : order) {
            request(layout, false);
        }
    }

    /** Queues the {@linkplain #pilot pilot} of an m x n x k product (once per pilot), and its layout. */
    void requestShape(boolean transA, boolean transB, int m, int n, int k) {
        requestShape(transA, transB, m, n, k, false);
    }

    /**
     * Queues the pilot again, if it is not queued now: a probe found its code uncompiled after
     * all (a branch taken elsewhere sent a method back to the interpreter, or C2 never got to it).
     */
    void requestShapeAgain(boolean transA, boolean transB, int m, int n, int k) {
        requestShape(transA, transB, m, n, k, true);
    }

    private void requestShape(boolean transA, boolean transB, int m, int n, int k, boolean again) {
        int layout = layout(transA, transB);
        int[] p = pilot(m, n, k);
        long key = pilotKey(layout, p);
        boolean start;
        synchronized (this) {
            if (again && pilotsDone.remove(key)) {
                pilotsAsked.remove(key);
            }
            if (!pilotsAsked.add(key)) {
                return;
            }
            queue(layout, true);
            pilots.addLast(new int[] {layout, p[0], p[1], p[2]});
            start = startDraining();
        }
        if (start) {
            drain();
        }
    }

    private void request(int layout, boolean urgent) {
        if (((urgent ? urged : requested) >>> layout & 1) != 0) {
            return;
        }
        boolean start;
        synchronized (this) {
            queue(layout, urgent);
            start = startDraining();
        }
        if (start) {
            drain();
        }
    }

    /**
     * Whether this shape's pilot has been compiled (or given its budget) after its layout's core:
     * a probe of the shape then finds SIMD's code compiled.
     */
    synchronized boolean isShapeReady(boolean transA, boolean transB, int m, int n, int k) {
        int layout = layout(transA, transB);
        return isReady(layout) && pilotsDone.contains(pilotKey(layout, pilot(m, n, k)));
    }

    private static long pilotKey(int layout, int[] pilot) {
        return ((long) layout << 60) | ((long) pilot[0] << 40) | ((long) pilot[1] << 20) | pilot[2];
    }

    /**
     * Queues a layout's core (once): a call asking for it puts it first, {@link #requestAll} after
     * the pilots (a layout no call has met yet can wait).
     */
    private void queue(int layout, boolean urgent) {
        if (urgent) {
            urged |= 1 << layout;
        }
        if ((requested >>> layout & 1) != 0) {
            if (urgent && speculative.remove(layout)) {
                cores.addFirst(layout);
            }
            return;
        }
        requested |= 1 << layout;
        if (urgent) {
            cores.addFirst(layout);
        } else {
            speculative.addLast(layout);
        }
    }

    /** Starts the thread if none runs; true when there is none and the caller must drain. */
    private boolean startDraining() {
        if (draining) {
            return false;
        }
        draining = true;
        if (threadStarter != null) {
            threadStarter.accept(this::drain);
            return false;
        }
        return true;
    }

    /**
     * Runs {@code probe} with the warm-up thread parked (it checks between its rounds, every
     * 40 us or so), so that a probe on the caller is not timed against it for the cores.
     */
    <T> T probing(Supplier<T> probe) {
        probes.incrementAndGet();
        try {
            return probe.get();
        } finally {
            probes.decrementAndGet();
        }
    }

    /** Waits until nothing is queued or compiling, at most {@code nanos}; true if so. */
    boolean await(long nanos) {
        long deadline = System.nanoTime() + nanos;
        while (!isIdle()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            LockSupport.parkNanos(1_000_000);
        }
        return true;
    }

    private void drain() {
        if (simd instanceof CompilingGemm compiling) {
            // Its own warm-up compiles the core of the vector code; ours would run it boxed meanwhile.
            compiling.awaitCompiled(layoutBudgetNanos);
        }
        while (true) {
            Runnable task;
            synchronized (this) {
                Integer core = cores.poll();
                int[] pilot = core == null ? pilots.poll() : null;
                if (core == null && pilot == null) {
                    core = speculative.poll();
                }
                if (core != null) {
                    int layout = core;
                    task = () -> compileCore(layout);
                } else if (pilot != null) {
                    task = () -> compilePilot(pilot);
                } else {
                    draining = false;
                    return;
                }
            }
            try {
                task.run();
            } catch (RuntimeException e) {
                // Never expected (fixed, valid calls); a layout not ready stays on OpenBLAS.
                LOG.log(System.Logger.Level.WARNING, "isthmus: GEMM warm-up failed: " + e, e);
            }
        }
    }

    private void compileCore(int layout) {
        long start = System.nanoTime();
        boolean compiled = compile(new ProbeOperands((layout & 1) != 0, (layout & 2) != 0, CORE[0], CORE[1], CORE[2]),
                start + layoutBudgetNanos);
        synchronized (this) {
            if (compiled) {
                ready |= 1 << layout;
            }
        }
        LOG.log(System.Logger.Level.DEBUG, () -> String.format("isthmus: GEMM warm-up of %s %s after %.0f ms",
                name(layout), compiled ? "ready" : "given up", (System.nanoTime() - start) / 1e6));
    }

    private void compilePilot(int[] pilot) {
        if (!isReady(pilot[0])) {
            return; // its layout was given up
        }
        long start = System.nanoTime();
        boolean compiled = compile(new ProbeOperands((pilot[0] & 1) != 0, (pilot[0] & 2) != 0, pilot[1], pilot[2],
                pilot[3]), start + PILOT_BUDGET_NANOS);
        synchronized (this) {
            pilotsDone.add(pilotKey(pilot[0], new int[] {pilot[1], pilot[2], pilot[3]}));
        }
        LOG.log(System.Logger.Level.TRACE, () -> String.format("isthmus: GEMM warm-up of %s %dx%dx%d %s after %.0f ms",
                name(pilot[0]), pilot[1], pilot[2], pilot[3], compiled ? "at speed" : "still slow",
                (System.nanoTime() - start) / 1e6));
    }

    /**
     * Runs SIMD on private operands of this shape, on the caller, about a millisecond at a time,
     * until its best time has not improved by more than 5% for {@link #SETTLE_NANOS} and is
     * within {@link #COLD_RATIO} of OpenBLAS's: SIMD within that ratio may still run code C2 is
     * about to replace with faster (measured: 1.8x OpenBLAS's time on 256^3 right after, 0.6x
     * later). False when the deadline came first.
     */
    boolean settleShape(boolean transA, boolean transB, int m, int n, int k, long deadline) {
        ProbeOperands ops = new ProbeOperands(transA, transB, m, n, k);
        long blasNanos = Math.min(ops.time(blas, 1), ops.time(blas, 1));
        int calls = (int) Math.max(1, 1_000_000 / Math.max(1, blasNanos));
        long best = Long.MAX_VALUE;
        long improvedAt = System.nanoTime();
        while (true) {
            long now = System.nanoTime();
            if (now - deadline > 0) {
                return false;
            }
            long simdNanos = ops.time(simd, calls) / calls;
            if (simdNanos < 0.95 * best) {
                improvedAt = now;
            }
            best = Math.min(best, simdNanos);
            if (now - improvedAt >= SETTLE_NANOS && best <= COLD_RATIO * blasNanos) {
                return true;
            }
        }
    }

    private boolean compile(ProbeOperands ops, long deadline) {
        int calls = (int) Math.max(1, ROUND_NANOS / Math.max(1, ops.time(blas, 1)));
        int inARow = 0;
        for (int round = 1; inARow < 2; round++) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            // The warm-up thread stays off the CPU while a probe runs (compiling on the caller,
            // without a thread, there is no one to make room for).
            while (threadStarter != null && probes.get() > 0) {
                LockSupport.parkNanos(100_000);
            }
            long simdNanos = ops.time(simd, calls);
            long blasNanos = ops.time(blas, calls);
            inARow = simdNanos <= COLD_RATIO * blasNanos ? inARow + 1 : 0;
            if (inARow == 0 && round >= ROUNDS_BEFORE_PAUSES) {
                // C2 has the code queued by now; spinning on its slow version would only take the
                // CPU from the compiler threads and the caller.
                LockSupport.parkNanos(PAUSE_NANOS);
            }
        }
        return true;
    }
}
