package io.isthmus.kernels.gemm;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Other processes' CPU time from fake /proc lines, on a fake clock. */
class MachineLoadTest {

    private long now;
    private long busy;
    private long ours;

    private MachineLoad load() {
        return new MachineLoad(() -> "cpu  " + busy + " 0 0 99999 7 0 0 0 0 0",
                () -> "4242 (java (main)) S 1 2 3 0 -1 4194304 1 0 0 0 " + ours + " 0 0 0 20 0 30",
                () -> now);
    }

    @Test
    void readsTheTicksOfTheCpuLineAndOfThisProcess() {
        // user nice system [idle iowait] irq softirq steal: idle and iowait left out.
        assertEquals(1 + 2 + 3 + 6 + 7 + 8, MachineLoad.busyTicks("cpu  1 2 3 4 5 6 7 8 9 10"));
        // utime + stime, after a command name with spaces and parentheses in it.
        assertEquals(13 + 14, MachineLoad.ownTicks("17 (a (b) c) R 1 2 3 4 5 6 7 8 9 10 13 14 15 16"));
        assertThrows(IllegalArgumentException.class, () -> MachineLoad.busyTicks("intr 1 2 3"));
    }

    @Test
    void quietOnlyAfterWholeWindowsInWhichOthersHardlyRan() {
        MachineLoad load = load();
        assertFalse(load.quietFor(300_000_000L), "nothing seen yet");
        for (int i = 0; i < 2; i++) {
            now += 200_000_000L;
            busy += 20;
            ours += 19; // others: 1 tick in 20 (0.05 of a CPU)
            load.quietFor(300_000_000L);
        }
        assertTrue(load.quietFor(300_000_000L), "two quiet windows: 400 ms");
        now += 200_000_000L;
        busy += 30;
        ours += 5; // others: 25 ticks in 20 (more than a CPU)
        assertFalse(load.quietFor(300_000_000L));
        for (int i = 0; i < 2; i++) {
            now += 200_000_000L;
            busy += 10;
            ours += 10;
            load.quietFor(300_000_000L);
        }
        assertTrue(load.quietFor(300_000_000L), "quiet again 400 ms after");
        now += 5_000_000_000L; // a window too long to tell when the load came
        assertFalse(load.quietFor(300_000_000L));
    }

    @Test
    void withoutProcTheMachineCountsAsQuiet() {
        MachineLoad none = new MachineLoad(() -> null, () -> null, () -> now);
        assertTrue(none.quietFor(300_000_000L));
        MachineLoad garbage = new MachineLoad(() -> "nonsense", () -> "x", () -> now);
        assertTrue(garbage.quietFor(300_000_000L));
    }

    @Test
    void thisMachinesProcIsRead() {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/stat")), "Linux's /proc");
        MachineLoad proc = MachineLoad.ofProc();
        proc.quietFor(0); // first look: starts the window, never throws
        assertFalse(proc.quietFor(Long.MAX_VALUE / 4), "no machine has been quiet that long");
    }
}
