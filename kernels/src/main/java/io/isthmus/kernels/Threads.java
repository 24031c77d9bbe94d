package io.isthmus.kernels;

import io.isthmus.nativeblas.OpenBlas;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.function.IntConsumer;

/**
 * The one thread budget every kernel shares: a {@link ForkJoinPool} sized to the cores, and the
 * number of threads kernels may use ({@code -Disthmus.threads=N}, default: all cores). Setting it
 * also sets OpenBLAS's thread count so both backends are compared on equal terms.
 */
public final class Threads {

    public static final String PROPERTY = "isthmus.threads";
    /**
     * The SIMD GEMM splits a product across threads from this many multiply-adds on (about 25 us
     * of one core's work); below, it runs on the caller. Alone in a loop, 64^3 (2^18) already ran
     * 4.1 -> 3.1 us on two threads with the {@code GemmCrew} hand-off, whose helper spins between
     * back-to-back products; in a training step, elementwise work between the products lets the
     * helper park, and waking it costs tens of microseconds on a VM. Measured (2026-12-06, 2-core
     * VM, interleaved): `mlp --threads 2` at batch 32, whose products are 32x128x784, ran 0.49-0.54
     * s per epoch splitting from 2^18 against 0.34-0.43 from 2^22 (one thread: 0.30-0.41).
     */
    public static final long SIMD_GEMM_SPLIT_WORK = 1L << 22;
    /**
     * Elementwise and row kernels split across threads in ranges of at least this many floats
     * (128 KB): a GELU pass over them takes tens of microseconds, several times what handing a
     * range to another thread costs, whatever the core.
     */
    public static final int ELEMENTWISE_GRAIN = 1 << 15;
    private static final int CORES = Runtime.getRuntime().availableProcessors();
    private static final ForkJoinPool POOL = new ForkJoinPool(Math.max(CORES, 2));
    private static volatile int count = initialCount();
    /**
     * Set on a thread while it runs tasks of {@link #parallelFor}: the kernels such a task calls
     * see {@link #count()} = 1 and run on that thread alone, since the other threads are busy with
     * the other tasks (a batch of GEMMs split by product, each product on one core).
     */
    private static final ThreadLocal<boolean[]> IN_TASK = ThreadLocal.withInitial(() -> new boolean[1]);

    private Threads() {
    }

    private static int initialCount() {
        String text = System.getProperty(PROPERTY);
        int n = CORES;
        if (text != null && !text.isBlank()) {
            try {
                n = Integer.parseInt(text.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("-D" + PROPERTY + "=" + text + " is not a whole number");
            }
            checkCount(n);
        }
        int initial = n;
        OpenBlas.instance().ifPresent(blas -> blas.setNumThreads(initial));
        return n;
    }

    private static void checkCount(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("thread count must be at least 1, got " + n);
        }
    }

    /**
     * How many threads kernels may use: the configured count, or 1 on a thread that is running a
     * task of {@link #parallelFor} (the work is already split; a kernel must not split it again).
     */
    public static int count() {
        return IN_TASK.get()[0] ? 1 : count;
    }

    /** Sets how many threads kernels (and OpenBLAS) may use. */
    public static void set(int threads) {
        checkCount(threads);
        count = threads;
        OpenBlas.instance().ifPresent(blas -> blas.setNumThreads(threads));
    }

    /** Logical processors of this machine. */
    public static int cores() {
        return CORES;
    }

    /**
     * Runs {@code body(task)} for task in [0, tasks), spread over at most {@link #count()} threads;
     * inline when there is one task or one thread. Returns when all are done. While a thread runs
     * tasks, {@link #count()} is 1 on it, so the kernels a task calls stay on its thread.
     */
    public static void parallelFor(int tasks, IntConsumer body) {
        int threads = Math.min(count(), tasks);
        if (threads <= 1) {
            for (int t = 0; t < tasks; t++) {
                body.accept(t);
            }
            return;
        }
        if (ForkJoinTask.inForkJoinPool()) {
            // Already on a worker (nested parallelism): stay on this thread.
            runTasks(0, tasks, body);
            return;
        }
        ForkJoinTask<?>[] forked = new ForkJoinTask<?>[threads - 1];
        // Static split: task ranges are contiguous so each worker keeps its scratch warm.
        for (int w = 1; w < threads; w++) {
            int from = (int) ((long) tasks * w / threads);
            int to = (int) ((long) tasks * (w + 1) / threads);
            forked[w - 1] = POOL.submit(() -> runTasks(from, to, body));
        }
        runTasks(0, (int) ((long) tasks / threads), body);
        for (ForkJoinTask<?> task : forked) {
            task.join();
        }
    }

    /** Rows of {@code cols} floats per range of a split row loop: about {@link #ELEMENTWISE_GRAIN} floats, at least one row. */
    public static int rowGrain(int cols) {
        return Math.max(1, ELEMENTWISE_GRAIN / Math.max(1, cols));
    }

    /** One contiguous range [from, from + length) of a split loop. */
    @FunctionalInterface
    public interface Range {
        void run(int from, int length);
    }

    /**
     * Runs {@code body} over [0, n) split into at most {@link #count()} contiguous ranges of at
     * least {@code grain} elements each (one range, on the caller, when n &lt; 2 grain or there is
     * one thread). For loops whose elements are independent: the result does not depend on the split.
     */
    public static void parallelRanges(int n, int grain, Range body) {
        int ranges = (int) Math.min(count(), Math.max(1L, (long) n / Math.max(1, grain)));
        if (ranges <= 1) {
            body.run(0, n);
            return;
        }
        parallelFor(ranges, r -> {
            int from = (int) ((long) n * r / ranges);
            int to = (int) ((long) n * (r + 1) / ranges);
            body.run(from, to - from);
        });
    }

    /** body(t) for t in [from, to) on this thread, marked as running tasks (restored after, for nesting). */
    private static void runTasks(int from, int to, IntConsumer body) {
        boolean[] inTask = IN_TASK.get();
        boolean outer = inTask[0];
        inTask[0] = true;
        try {
            for (int t = from; t < to; t++) {
                body.accept(t);
            }
        } finally {
            inTask[0] = outer;
        }
    }
}
