package io.isthmus.kernels.gemm;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Gets the SIMD GEMM compiled, one layout (transA, transB) at a time, so that {@link AutoGemm}
 * can time it: until C2 has compiled its Vector API code it runs 10-1000x slower (every vector
 * boxed), and a timing then would only say "not compiled yet".
 *
 * <p>A layout is requested by the first call of one of its shape classes (and all four, behind
 * those, by {@code Kernels.warmUp()}); a daemon thread ({@code isthmus-gemm-warmup}) then runs
 * SIMD and OpenBLAS on {@link #PRODUCTS} of that layout until SIMD is within {@link #COLD_RATIO}
 * of OpenBLAS twice in a row on each, and marks the layout {@linkplain #isReady ready}. Measured in
 * a fresh JVM on the 2-core machine, busy with other processes: 1.2-2.4 s for the first layout,
 * 0.3-0.5 s for the second, a few ms for the other two (most code is shared). The thread parks
 * while a probe runs, and exits when nothing is waiting. A layout whose first product does not
 * get there within {@link #LAYOUT_BUDGET_NANOS} is given up: auto never times it in this process.
 * With {@code -Disthmus.warmup=false} no thread is started: the caller that requests a layout
 * compiles it itself, waiting for it.
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
    /**
     * m, n, k of the products each layout is compiled on. C2 compiles what these reach and turns
     * branches they never took into traps that send a later call back to slow code until it has
     * recompiled (measured: 128x128x784 then ran 500x slower for a while), so they reach every
     * path of the SIMD GEMM found so far: full and edge tiles in both directions, A read in place
     * (n up to 128) or packed and gathered, B read in place (m up to 128), packed, or partly
     * both, one or two k slices, a few rows only; the last two are split across threads (by rows and by
     * columns) when more than one thread is allowed, the others run on the warm-up thread alone.
     */
    static final int[][] PRODUCTS = {{64, 64, 60}, {33, 17, 65}, {10, 128, 128}, {36, 200, 30}, {20, 40, 300},
        {136, 32, 32}, {130, 10, 100}, {3, 300, 70}, {5, 5, 300}, {72, 72, 64}, {40, 136, 64}};
    /**
     * The first product must get to speed for the layout to be ready; each other one gets at most
     * this long (on some SIMD is slow for good, a few times OpenBLAS's time, and never "at speed").
     */
    static final long PRODUCT_BUDGET_NANOS = 500_000_000L;
    /** Each timed round runs about this long per backend. */
    private static final long ROUND_NANOS = 20_000;
    /** After this many rounds not at speed, C2 has the code queued; rounds are then paced to leave it the CPU. */
    private static final int ROUNDS_BEFORE_PAUSES = 20;
    private static final long PAUSE_NANOS = 1_000_000;

    private final Gemm simd;
    private final Gemm blas;
    /** Runs the warm-up loop on a new thread, or null: the requesting caller runs it. */
    private final Consumer<Runnable> threadStarter;
    private final long layoutBudgetNanos;
    private final Deque<Integer> waiting = new ArrayDeque<>();
    /** Probes running now: the warm-up thread stays off the CPU meanwhile (see {@link #probing}). */
    private final AtomicInteger probes = new AtomicInteger();
    private volatile int ready;
    private volatile int finished;
    private volatile int requested;
    /** Layouts a call has asked for (a subset of requested). */
    private volatile int urged;
    private boolean draining;

    GemmWarmup(Gemm simd, Gemm blas, Consumer<Runnable> threadStarter) {
        this(simd, blas, threadStarter, LAYOUT_BUDGET_NANOS);
    }

    /** With another budget per layout (tests). */
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

    boolean isReady(int layout) {
        return (ready >>> layout & 1) != 0;
    }

    /** Whether every requested layout is ready or given up. */
    boolean isIdle() {
        synchronized (this) {
            return finished == requested;
        }
    }

    /**
     * Queues a layout for compilation, ahead of those only queued by {@link #requestAll} (a call
     * is waiting for this one), and starts the thread if none runs; without a thread, compiles it
     * now, on the caller.
     */
    void request(int layout) {
        request(layout, true);
    }

    private void request(int layout, boolean urgent) {
        if (((urgent ? urged : requested) >>> layout & 1) != 0) {
            return;
        }
        synchronized (this) {
            if (urgent) {
                urged |= 1 << layout;
            }
            if ((requested >>> layout & 1) != 0) {
                // Already queued (or done): a call asking for it moves it ahead of the speculative ones.
                if (urgent && waiting.remove(layout)) {
                    waiting.addFirst(layout);
                }
                return;
            }
            requested |= 1 << layout;
            if (urgent) {
                waiting.addFirst(layout);
            } else {
                waiting.addLast(layout);
            }
            if (draining) {
                return;
            }
            draining = true;
            if (threadStarter != null) {
                threadStarter.accept(this::drain);
                return;
            }
        }
        drain();
    }

    /**
     * Runs {@code probe} with the warm-up thread parked (it checks between its rounds, every
     * 40 us or so), so that a probe on the caller is not timed against it for the cores.
     */
    <T> T probing(java.util.function.Supplier<T> probe) {
        probes.incrementAndGet();
        try {
            return probe.get();
        } finally {
            probes.decrementAndGet();
        }
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

    /** Waits until every requested layout is ready or given up, at most {@code nanos}; true if so. */
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
        while (true) {
            int layout;
            synchronized (this) {
                Integer next = waiting.poll();
                if (next == null) {
                    draining = false;
                    return;
                }
                layout = next;
            }
            long start = System.nanoTime();
            boolean compiled = false;
            try {
                compiled = compile(layout, start + layoutBudgetNanos);
            } catch (RuntimeException e) {
                // Never expected (fixed, valid calls); auto then keeps this layout on OpenBLAS.
                LOG.log(System.Logger.Level.WARNING, "isthmus: GEMM warm-up of " + name(layout) + " failed: " + e, e);
            } finally {
                synchronized (this) {
                    if (compiled) {
                        ready |= 1 << layout;
                    }
                    finished |= 1 << layout;
                }
            }
            boolean done = compiled;
            LOG.log(System.Logger.Level.DEBUG, () -> String.format("isthmus: GEMM warm-up of %s %s after %.0f ms",
                    name(layout), done ? "done" : "gave up", (System.nanoTime() - start) / 1e6));
        }
    }

    /**
     * Runs the layout's products until SIMD is at speed on each; false when the first one did not
     * get there by the deadline (the others only get {@link #PRODUCT_BUDGET_NANOS} each).
     */
    private boolean compile(int layout, long deadline) {
        boolean transA = (layout & 1) != 0;
        boolean transB = (layout & 2) != 0;
        for (int i = 0; i < PRODUCTS.length; i++) {
            int[] p = PRODUCTS[i];
            long until = i == 0 ? deadline : Math.min(deadline, System.nanoTime() + PRODUCT_BUDGET_NANOS);
            if (!compile(new ProbeOperands(transA, transB, p[0], p[1], p[2]), until) && i == 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Runs SIMD (and OpenBLAS, its yardstick) on private operands of this shape, on the caller,
     * until SIMD is at speed on it: a shape can reach a path the layout's products did not.
     * False when the deadline came first.
     */
    boolean compileShape(boolean transA, boolean transB, int m, int n, int k, long deadline) {
        return compile(new ProbeOperands(transA, transB, m, n, k), deadline);
    }

    private boolean compile(ProbeOperands ops, long deadline) {
        int calls = (int) Math.max(1, ROUND_NANOS / Math.max(1, ops.time(blas, 1)));
        int inARow = 0;
        for (int round = 1; inARow < 2; round++) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            while (probes.get() > 0) {
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

    static String name(int layout) {
        return ((layout & 1) != 0 ? "T" : "N") + ((layout & 2) != 0 ? "T" : "N");
    }
}
