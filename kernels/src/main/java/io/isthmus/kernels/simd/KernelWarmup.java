package io.isthmus.kernels.simd;

import io.isthmus.kernels.elementwise.Elementwise;

import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Gets the vector kernels compiled off the caller's thread. Until C2 has compiled a Vector API
 * kernel it runs boxed, one object per vector operation, 10-100x slower than the plain scalar
 * loop: measured here, the first 25 training steps of a 784-128-10 MLP took 0.30 s instead of
 * 0.02 s, a third of its first epoch. So an op's first call {@linkplain #request requests} it:
 * a daemon thread ({@code isthmus-warmup}) calls the vector kernel on small private buffers until
 * it runs at least as fast as the scalar reference on the same buffers, then marks the op
 * {@linkplain #isHot hot}. Meanwhile {@link SimdElementwise} runs the ops whose scalar kernel is
 * bit-identical on the scalar kernel, so results never depend on when the switch happened.
 *
 * <p>An op that does not get there within {@link #BUDGET_NANOS} is marked hot anyway (it then
 * compiles from its real calls, as it would without the warm-up). The thread exits when no op
 * is waiting. {@code -Disthmus.warmup=false} turns this off: every call runs the vector kernel.
 */
final class KernelWarmup {

    static final String PROPERTY = "isthmus.warmup";
    private static final System.Logger LOG = System.getLogger("io.isthmus");
    /** Calls per timed round, for each of the two kernels. */
    private static final int ROUND = 16;
    /** The vector kernel counts as compiled after this many consecutive rounds at scalar speed or better. */
    private static final int ROUNDS_AT_SPEED = 2;
    /** Allowance for timer noise when comparing the two kernels' rounds. */
    private static final double SPEED_SLACK = 1.25;
    private static final long BUDGET_NANOS = 5_000_000_000L;
    /**
     * Rounds before this many calls never count: the scalar kernel, whose loop runs once per
     * element rather than per vector, is compiled by then, while both interpreted could look alike.
     */
    private static final int MIN_CALLS = 1000;
    private static final long GATHER_NANOS = 20_000_000L;
    /** Calls after which C2 has (measured here) queued the kernel; from then on rounds are paced. */
    private static final int CALLS_BEFORE_PAUSES = 1500;
    private static final long PAUSE_NANOS = 2_000_000L;

    private final Elementwise vector;
    private final Elementwise scalar;
    private final WarmupScratch scratch;
    private final Consumer<Runnable> threadStarter;
    private final Queue<Request> waiting =
            new PriorityQueue<>(Comparator.comparingInt(Request::elements).reversed());
    private volatile long hot;
    private volatile long requested;
    private boolean draining;

    /**
     * @param vector        the vector kernels to compile
     * @param scalar        the scalar reference the vector kernels must catch up with
     * @param lanes         float lanes of {@code vector}'s species (sizes the scratch buffers)
     * @param threadStarter runs the warm-up loop on a new thread
     */
    KernelWarmup(Elementwise vector, Elementwise scalar, int lanes, Consumer<Runnable> threadStarter) {
        this.vector = vector;
        this.scalar = scalar;
        this.scratch = new WarmupScratch(lanes);
        this.threadStarter = threadStarter;
    }

    /** A warm-up on a daemon thread named {@code isthmus-warmup}. */
    static KernelWarmup onDaemonThread(Elementwise vector, Elementwise scalar, int lanes) {
        return new KernelWarmup(vector, scalar, lanes,
                task -> Thread.ofPlatform().daemon().name("isthmus-warmup").start(task));
    }

    /** Whether {@code -Disthmus.warmup} allows warming up (default: yes). */
    static boolean enabled() {
        String text = System.getProperty(PROPERTY, "true").trim();
        if (!text.equals("true") && !text.equals("false")) {
            throw new IllegalArgumentException("-D" + PROPERTY + "=" + text + " is not true or false");
        }
        return text.equals("true");
    }

    /**
     * True once {@code op}'s vector kernel runs compiled; otherwise requests its warm-up and returns
     * false. Waiting ops are warmed biggest first, by the {@code elements} of their first call.
     */
    boolean hotOrRequest(ElementwiseOp op, int elements) {
        if ((hot & op.bit()) != 0) {
            return true;
        }
        request(op, elements);
        return false;
    }

    boolean isHot(ElementwiseOp op) {
        return (hot & op.bit()) != 0;
    }

    /**
     * Queues {@code op} for the warm-up thread (once), starting the thread when none runs; waiting
     * ops go biggest {@code elements} first.
     */
    void request(ElementwiseOp op, int elements) {
        if ((requested & op.bit()) != 0) {
            return;
        }
        synchronized (this) {
            if ((requested & op.bit()) != 0) {
                return;
            }
            requested |= op.bit();
            waiting.add(new Request(op, elements));
            if (!draining) {
                draining = true;
                threadStarter.accept(this::drain);
            }
        }
    }

    private void drain() {
        // The first calls of a model's kernels come within milliseconds: wait for them, so the
        // biggest goes first rather than whichever came first.
        pause(GATHER_NANOS);
        while (true) {
            ElementwiseOp op;
            synchronized (this) {
                Request next = waiting.poll();
                if (next == null) {
                    draining = false;
                    return;
                }
                op = next.op;
            }
            try {
                warm(op);
            } catch (RuntimeException e) {
                // Never expected (the calls are fixed and in range); the op then compiles from its real calls.
                LOG.log(System.Logger.Level.WARNING, "isthmus: warm-up of " + op + " failed: " + e, e);
            } finally {
                markHot(op);
            }
        }
    }

    private void warm(ElementwiseOp op) {
        long start = System.nanoTime();
        long deadline = start + BUDGET_NANOS;
        int roundsAtSpeed = 0;
        int rounds = 0;
        while (roundsAtSpeed < ROUNDS_AT_SPEED && System.nanoTime() < deadline) {
            long vectorNanos = time(vector, op);
            long scalarNanos = time(scalar, op);
            rounds++;
            boolean atSpeed = vectorNanos <= SPEED_SLACK * scalarNanos && rounds * ROUND >= MIN_CALLS;
            roundsAtSpeed = atSpeed ? roundsAtSpeed + 1 : 0;
            if (rounds * ROUND >= CALLS_BEFORE_PAUSES && roundsAtSpeed == 0) {
                // C2 has the kernel queued by now; spinning on its slow code would only take the
                // CPU from the compiler and the caller.
                pause(PAUSE_NANOS);
            }
        }
        String outcome = roundsAtSpeed >= ROUNDS_AT_SPEED ? "done" : "gave up";
        int calls = rounds * ROUND;
        LOG.log(System.Logger.Level.DEBUG, () -> String.format("isthmus: warm-up of %s %s after %d calls, %.0f ms",
                op, outcome, calls, (System.nanoTime() - start) / 1e6));
    }

    private static void pause(long nanos) {
        LockSupport.parkNanos(nanos);
    }

    private long time(Elementwise kernels, ElementwiseOp op) {
        long start = System.nanoTime();
        for (int i = 0; i < ROUND; i++) {
            op.call.run(kernels, scratch);
        }
        return System.nanoTime() - start;
    }

    private record Request(ElementwiseOp op, int elements) {
    }

    private synchronized void markHot(ElementwiseOp op) {
        hot |= op.bit();
    }
}
