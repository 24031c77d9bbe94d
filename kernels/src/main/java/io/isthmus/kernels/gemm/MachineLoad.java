package io.isthmus.kernels.gemm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Whether other processes have been using the CPUs lately, from Linux's {@code /proc/stat}
 * (all CPUs' busy time, the hypervisor's steal included) less {@code /proc/self/stat} (this
 * process's time, every thread of it), in clock ticks (USER_HZ, 100 a second). A two-thread
 * timing needs both cores: on the 2-core VM, another process running made SIMD on two threads
 * measure 1.5-2x its time for seconds at a stretch. A timing on one thread needs no such check:
 * {@link GemmProbe} takes it on the caller's CPU clock.
 *
 * <p>Load is judged over windows of {@link #WINDOW_NANOS} to {@link #MAX_WINDOW_NANOS} between
 * calls (a tick is 10 ms): a window in which others used more than {@link #OTHERS_CORES} of a
 * CPU, or one too long to say when, makes the machine busy from its end. Without {@code /proc}
 * (another system), the machine always counts as quiet.
 */
final class MachineLoad {

    static final long WINDOW_NANOS = 200_000_000L;
    static final long MAX_WINDOW_NANOS = 1_000_000_000L;
    /** Other processes using more than this much of one CPU over a window make the machine busy. */
    static final double OTHERS_CORES = 0.1;
    private static final double TICKS_PER_NANO = 100 / 1e9;

    private final Supplier<String> cpuStat;
    private final Supplier<String> selfStat;
    private final LongSupplier clock;
    private boolean started;
    private long windowStart;
    private long busyAtStart;
    private long oursAtStart;
    private long busyUntil;

    /** Reads {@code /proc}; {@code cpuStat} and {@code selfStat} return null when unreadable (tests pass their own). */
    MachineLoad(Supplier<String> cpuStat, Supplier<String> selfStat, LongSupplier clock) {
        this.cpuStat = cpuStat;
        this.selfStat = selfStat;
        this.clock = clock;
    }

    /** This machine's {@code /proc/stat} and {@code /proc/self/stat}, by the wall clock. */
    static MachineLoad ofProc() {
        return new MachineLoad(() -> firstLine(Path.of("/proc/stat")), () -> firstLine(Path.of("/proc/self/stat")),
                System::nanoTime);
    }

    private static String firstLine(Path file) {
        try (var lines = Files.lines(file)) {
            return lines.findFirst().orElse(null);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Whether other processes have used less than {@link #OTHERS_CORES} of a CPU in every window
     * of the last {@code nanos}, as seen by the calls so far (the first call, and every window
     * too long to judge, start the quiet time anew).
     */
    synchronized boolean quietFor(long nanos) {
        long[] now = sample();
        if (now == null) {
            return true;
        }
        long t = clock.getAsLong();
        if (!started || t - windowStart > MAX_WINDOW_NANOS) {
            restart(t, now);
            busyUntil = t;
            return false;
        }
        if (t - windowStart >= WINDOW_NANOS) {
            double others = (now[0] - busyAtStart - (now[1] - oursAtStart)) / ((t - windowStart) * TICKS_PER_NANO);
            if (others > OTHERS_CORES) {
                busyUntil = t;
            }
            restart(t, now);
        }
        return t - busyUntil >= nanos;
    }

    private void restart(long t, long[] now) {
        started = true;
        windowStart = t;
        busyAtStart = now[0];
        oursAtStart = now[1];
    }

    /** {busy ticks of all CPUs, this process's ticks}, or null when {@code /proc} cannot tell. */
    private long[] sample() {
        String cpu = cpuStat.get();
        String self = selfStat.get();
        if (cpu == null || self == null) {
            return null;
        }
        try {
            return new long[] {busyTicks(cpu), ownTicks(self)};
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** {@code cpu  user nice system idle iowait irq softirq steal ...}: all but idle and iowait. */
    static long busyTicks(String cpuLine) {
        String[] f = cpuLine.trim().split("\\s+");
        if (!f[0].equals("cpu") || f.length < 8) {
            throw new IllegalArgumentException("not the cpu line of /proc/stat: " + cpuLine);
        }
        long busy = 0;
        for (int i = 1; i < Math.min(f.length, 9); i++) {
            if (i != 4 && i != 5) {
                busy += Long.parseLong(f[i]);
            }
        }
        return busy;
    }

    /** utime + stime of {@code /proc/self/stat} (fields 14 and 15, after the command in parentheses). */
    static long ownTicks(String selfLine) {
        String[] f = selfLine.substring(selfLine.lastIndexOf(')') + 2).trim().split("\\s+");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
