package io.isthmus.kernels.simd;

import org.junit.jupiter.api.Test;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class GemmCrewTest {

    @Test
    void runsEveryTaskOnceAndWaitsForAll() {
        for (int round = 0; round < 200; round++) {
            AtomicIntegerArray runs = new AtomicIntegerArray(3);
            long lag = round % 20 == 0 ? 200_000 : 0;
            GemmCrew.run(3, t -> {
                if (t == 2) {
                    // The last task finishes long after the caller's own: run must still wait for it.
                    java.util.concurrent.locks.LockSupport.parkNanos(lag);
                }
                runs.incrementAndGet(t);
            });
            for (int t = 0; t < 3; t++) {
                assertEquals(1, runs.get(t), "task " + t + " in round " + round);
            }
        }
    }

    @Test
    void rethrowsAHelpersFailureOnTheCaller() {
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> GemmCrew.run(2, t -> {
            if (t == 1) {
                throw new IllegalStateException("helper failed");
            }
        }));
        assertEquals("helper failed", thrown.getMessage());
        // The crew is usable again afterwards.
        AtomicIntegerArray runs = new AtomicIntegerArray(2);
        GemmCrew.run(2, runs::incrementAndGet);
        assertEquals(1, runs.get(1));
    }

    @Test
    void concurrentCallersEachGetAllTheirTasksRun() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(3);
        try {
            Future<?>[] done = new Future<?>[3];
            for (int c = 0; c < done.length; c++) {
                done[c] = callers.submit(() -> {
                    for (int round = 0; round < 300; round++) {
                        AtomicIntegerArray runs = new AtomicIntegerArray(2);
                        GemmCrew.run(2, runs::incrementAndGet);
                        assertEquals(1, runs.get(0));
                        assertEquals(1, runs.get(1));
                    }
                });
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            callers.shutdownNow();
        }
    }
}
