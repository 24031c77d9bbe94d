package io.isthmus.kernels.simd;

import io.isthmus.kernels.Threads;

import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Dedicated daemon threads for splitting one GEMM: a helper spins briefly after each job and then
 * parks, so back-to-back GEMMs (a training step) hand work over in well under a microsecond instead
 * of waking a {@link java.util.concurrent.ForkJoinPool} worker (tens of microseconds, measured as
 * the reason two threads lost at 64x256x1024). A task its helper has not started by the time the
 * caller is done with its own runs on the caller, so a helper held up by another process costs
 * little. One caller at a time uses the crew; a concurrent or nested caller falls back to
 * {@link Threads#parallelFor}.
 */
final class GemmCrew {

    /** How long a helper polls for the next job before parking (~ one small GEMM). */
    private static final long SPIN_NANOS = 50_000;

    private static final AtomicBoolean IN_USE = new AtomicBoolean();
    private static volatile Helper[] helpers = new Helper[0];

    private GemmCrew() {
    }

    /** Runs {@code body(t)} for t in [0, tasks), task 0 on the calling thread; returns when all are done. */
    static void run(int tasks, IntConsumer body) {
        if (tasks <= 1) {
            body.accept(0);
            return;
        }
        if (Thread.currentThread() instanceof Helper || ForkJoinTask.inForkJoinPool() || !IN_USE.compareAndSet(false, true)) {
            Threads.parallelFor(tasks, body);
            return;
        }
        try {
            Helper[] crew = crew(tasks - 1);
            AtomicInteger pending = new AtomicInteger(tasks - 1);
            Job[] jobs = new Job[tasks - 1];
            for (int t = 1; t < tasks; t++) {
                jobs[t - 1] = new Job(body, t, pending);
                crew[t - 1].post(jobs[t - 1]);
            }
            body.accept(0);
            // A helper that has not started its task yet (descheduled by another process, or still
            // waking up) loses it to the caller, which would otherwise only wait.
            for (Job job : jobs) {
                if (job.claim()) {
                    job.run();
                }
            }
            Thread caller = Thread.currentThread();
            for (Job job : jobs) {
                job.waiter = caller;
            }
            long start = System.nanoTime();
            while (pending.get() > 0) {
                if (System.nanoTime() - start < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(20_000);
                }
            }
            for (Job job : jobs) {
                Throwable failure = job.failure;
                if (failure instanceof RuntimeException r) {
                    throw r;
                }
                if (failure instanceof Error e) {
                    throw e;
                }
            }
        } finally {
            IN_USE.set(false);
        }
    }

    /** At least {@code count} started helpers (only the crew's owner calls this). */
    private static Helper[] crew(int count) {
        Helper[] current = helpers;
        if (current.length >= count) {
            return current;
        }
        Helper[] grown = java.util.Arrays.copyOf(current, count);
        for (int i = current.length; i < count; i++) {
            grown[i] = new Helper(i + 1);
            grown[i].start();
        }
        helpers = grown;
        return grown;
    }

    /** One task of a split GEMM, and how it ended. */
    private static final class Job {
        final IntConsumer body;
        final int task;
        final AtomicInteger pending;
        volatile Thread waiter;
        volatile Throwable failure;

        private final AtomicBoolean claimed = new AtomicBoolean();

        Job(IntConsumer body, int task, AtomicInteger pending) {
            this.body = body;
            this.task = task;
            this.pending = pending;
        }

        /** True for exactly one caller: the thread that is to run this task. */
        boolean claim() {
            return !claimed.get() && claimed.compareAndSet(false, true);
        }

        void run() {
            try {
                body.accept(task);
            } catch (Throwable e) {
                failure = e;
            }
            if (pending.decrementAndGet() == 0) {
                Thread w = waiter;
                if (w != null) {
                    LockSupport.unpark(w);
                }
            }
        }
    }

    private static final class Helper extends Thread {
        private final AtomicReference<Job> next = new AtomicReference<>();

        Helper(int index) {
            super("isthmus-gemm-" + index);
            setDaemon(true);
        }

        void post(Job job) {
            next.set(job);
            LockSupport.unpark(this);
        }

        @Override
        public void run() {
            while (true) {
                Job job = await();
                // Only this job: a newer one may already have been posted if the caller ran this one itself.
                next.compareAndSet(job, null);
                if (job.claim()) {
                    job.run();
                }
            }
        }

        private Job await() {
            long start = System.nanoTime();
            Job job;
            while ((job = next.get()) == null) {
                if (System.nanoTime() - start < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            return job;
        }
    }
}
