package io.isthmus.kernels;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ThreadsTest {

    private final int before = Threads.count();

    @AfterEach
    void restore() {
        Threads.set(before);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void everyTaskRunsExactlyOnce(int threads) {
        Threads.set(threads);
        for (int tasks : new int[]{0, 1, 2, 7, 100}) {
            AtomicIntegerArray runs = new AtomicIntegerArray(tasks);
            Threads.parallelFor(tasks, runs::incrementAndGet);
            for (int t = 0; t < tasks; t++) {
                assertEquals(1, runs.get(t), "task " + t + " of " + tasks + " with " + threads + " threads");
            }
        }
    }

    @Test
    void exceptionInATaskReachesTheCaller() {
        Threads.set(2);
        RuntimeException thrown = assertThrows(RuntimeException.class, () -> Threads.parallelFor(8, t -> {
            if (t == 6) {
                throw new IllegalStateException("task 6 failed");
            }
        }));
        Throwable root = thrown;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        assertTrue(root.getMessage().contains("task 6 failed"), root.toString());
    }

    @Test
    void kernelsCalledFromATaskSeeOneThreadAndTheCallerGetsItsCountBack() {
        Threads.set(2);
        int tasks = 6;
        AtomicIntegerArray seen = new AtomicIntegerArray(tasks);
        AtomicIntegerArray nestedOnSameThread = new AtomicIntegerArray(tasks);
        Threads.parallelFor(tasks, t -> {
            seen.set(t, Threads.count());
            Thread mine = Thread.currentThread();
            boolean[] same = {true};
            Threads.parallelFor(4, inner -> same[0] &= Thread.currentThread() == mine);
            nestedOnSameThread.set(t, same[0] ? 1 : 0);
        });
        for (int t = 0; t < tasks; t++) {
            assertEquals(1, seen.get(t), "Threads.count() inside task " + t);
            assertEquals(1, nestedOnSameThread.get(t), "nested parallelFor of task " + t + " left its thread");
        }
        assertEquals(2, Threads.count(), "count after parallelFor on the calling thread");
    }

    @Test
    void rejectsNonPositiveCounts() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Threads.set(0));
        assertTrue(e.getMessage().contains("0"), e.getMessage());
    }
}
