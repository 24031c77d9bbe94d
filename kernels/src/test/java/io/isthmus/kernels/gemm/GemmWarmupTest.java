package io.isthmus.kernels.gemm;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The warm-up on stand-in backends: a "SIMD" that is slow for its first calls, as uncompiled code is. */
class GemmWarmupTest {

    /** Takes {@code slowNanos} per call for its first {@code slowCalls} calls, then nothing; counts calls. */
    private static class Cold implements Gemm {
        final AtomicInteger calls = new AtomicInteger();
        private final int slowCalls;
        private final long slowNanos;

        Cold(int slowCalls, long slowNanos) {
            this.slowCalls = slowCalls;
            this.slowNanos = slowNanos;
        }

        @Override
        public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                          float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
            if (calls.incrementAndGet() <= slowCalls) {
                long end = System.nanoTime() + slowNanos;
                while (System.nanoTime() < end) {
                    Thread.onSpinWait();
                }
            }
        }

        @Override
        public String name() {
            return "cold";
        }
    }

    /** "OpenBLAS": a fixed 2 us per call, so the cold one's 200 us calls are far beyond 3x of it. */
    private static final Gemm STEADY = new Cold(Integer.MAX_VALUE, 2_000);

    @Test
    void withoutAThreadTheCallerCompilesTheLayoutItAsksFor() {
        Cold simd = new Cold(50, 200_000);
        GemmWarmup warmup = new GemmWarmup(simd, STEADY, null);
        assertFalse(warmup.isReady(GemmWarmup.layout(false, true)));
        warmup.request(GemmWarmup.layout(false, true));
        assertTrue(warmup.isReady(GemmWarmup.layout(false, true)), "compiled on the caller");
        assertTrue(simd.calls.get() > 50, "ran until past its slow calls: " + simd.calls.get());
        assertFalse(warmup.isReady(GemmWarmup.layout(false, false)), "only the layout asked for");
        assertTrue(warmup.isIdle());
        int before = simd.calls.get();
        warmup.request(GemmWarmup.layout(false, true));
        assertEquals(before, simd.calls.get(), "a layout is compiled once");
    }

    @Test
    void aSimdThatCompilesItselfIsWaitedForBeforeAnyOfItsCodeRuns() {
        List<String> events = new ArrayList<>();
        CompilingGemm compiling = new CompilingGemm() {
            @Override
            public boolean awaitCompiled(long nanos) {
                events.add("await " + (nanos == GemmWarmup.LAYOUT_BUDGET_NANOS));
                return true;
            }

            @Override
            public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff,
                              int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
                if (events.size() < 2) {
                    events.add("sgemm");
                }
            }

            @Override
            public String name() {
                return "compiling";
            }
        };
        GemmWarmup warmup = new GemmWarmup(compiling, STEADY, null);
        warmup.request(GemmWarmup.layout(false, true));
        assertEquals(List.of("await true", "sgemm"), events, "waited (a layout's budget at most), then compiled");
        assertTrue(warmup.isReady(GemmWarmup.layout(false, true)));
    }

    @Test
    void onItsThreadEveryLayoutGetsReadyAndAwaitWaitsForThem() {
        List<Runnable> started = new ArrayList<>();
        CountDownLatch queued = new CountDownLatch(1);
        GemmWarmup warmup = new GemmWarmup(new Cold(20, 100_000), STEADY, task -> {
            started.add(task);
            // The thread starts draining once everything below is queued (it could otherwise finish
            // the first layout and exit before the next is asked for, and a second one would start).
            Thread.ofPlatform().daemon().name("test-gemm-warmup").start(() -> {
                try {
                    queued.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                task.run();
            });
        });
        warmup.requestAll();
        warmup.requestAll();
        warmup.request(GemmWarmup.layout(true, true));
        queued.countDown();
        assertEquals(1, started.size(), "one thread drains every request");
        assertTrue(warmup.await(30_000_000_000L));
        for (int layout = 0; layout < 4; layout++) {
            assertTrue(warmup.isReady(layout), GemmWarmup.name(layout));
        }
    }

    @Test
    void aLayoutACallWaitsForGoesBeforeTheOnesOnlyQueuedByRequestAll() {
        List<String> order = new ArrayList<>();
        Gemm recording = new Cold(0, 0) {
            @Override
            public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff,
                              int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
                String layout = GemmWarmup.name(GemmWarmup.layout(transA, transB));
                if (!order.contains(layout)) {
                    order.add(layout);
                }
            }
        };
        List<Runnable> tasks = new ArrayList<>();
        GemmWarmup warmup = new GemmWarmup(recording, STEADY, tasks::add);
        warmup.requestAll();
        warmup.request(GemmWarmup.layout(true, true));
        assertEquals(1, tasks.size());
        tasks.get(0).run(); // the warm-up thread's work, here
        assertEquals(List.of("TT", "NT", "TN", "NN"), order);
        assertTrue(warmup.isIdle());
    }

    @Test
    void aPilotTakesTheSameBranchesAsItsShape() {
        // Kept: small sides (k one slice of at most 64).
        assertArrayEquals(new int[] {33, 17, 64}, GemmWarmup.pilot(33, 17, 65));
        assertArrayEquals(new int[] {32, 96, 300}, GemmWarmup.pilot(128, 128, 784));
        // m: at most 128 stays at most 128, more stays more; the remainder by 24 (and so by 8 and 12) kept.
        for (int m : new int[] {49, 100, 127, 128, 129, 130, 1000, 65536}) {
            int pm = GemmWarmup.pilot(m, 8, 8)[0];
            assertEquals(m <= 128, pm <= 128, "m " + m + " -> " + pm);
            assertEquals(m % 24, pm % 24, "m " + m + " -> " + pm);
            assertTrue(pm < 168, "m " + m + " -> " + pm);
        }
        // n: at most 64, at most 128, or more, kept; the remainder by 32 kept.
        for (int n : new int[] {65, 100, 128, 129, 784, 4097}) {
            int pn = GemmWarmup.pilot(8, n, 8)[1];
            assertEquals(n <= 64, pn <= 64, "n " + n + " -> " + pn);
            assertEquals(n <= 128, pn <= 128, "n " + n + " -> " + pn);
            assertEquals(n % 32, pn % 32, "n " + n + " -> " + pn);
            assertTrue(pn < 192, "n " + n + " -> " + pn);
        }
        // k: one slice (at most 64 deep) or two.
        assertEquals(64, GemmWarmup.pilot(8, 8, 256)[2]);
        assertEquals(300, GemmWarmup.pilot(8, 8, 257)[2]);
        assertEquals(300, GemmWarmup.pilot(8, 8, 100_000)[2]);
    }

    @Test
    void aShapesPilotComesAfterItsLayoutsCoreAndBeforeLayoutsNoCallAskedFor() {
        List<String> order = new ArrayList<>();
        Gemm recording = new Cold(0, 0) {
            @Override
            public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff,
                              int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
                String product = GemmWarmup.name(GemmWarmup.layout(transA, transB)) + " " + m + "x" + n + "x" + k;
                if (!order.contains(product)) {
                    order.add(product);
                }
            }
        };
        List<Runnable> tasks = new ArrayList<>();
        GemmWarmup warmup = new GemmWarmup(recording, STEADY, tasks::add);
        warmup.requestAll();
        warmup.requestShape(false, true, 128, 128, 784);
        warmup.requestShape(false, true, 104, 96, 600); // the same pilot: asked once
        assertFalse(warmup.isIdle());
        assertFalse(warmup.isShapeReady(false, true, 128, 128, 784));
        tasks.get(0).run(); // the warm-up thread's work, here
        String core = GemmWarmup.CORE[0] + "x" + GemmWarmup.CORE[1] + "x" + GemmWarmup.CORE[2];
        int[] pilot = GemmWarmup.pilot(128, 128, 784);
        assertEquals(List.of("NT " + core, "NT " + pilot[0] + "x" + pilot[1] + "x" + pilot[2], "TN " + core,
                "NN " + core, "TT " + core), order);
        assertTrue(warmup.isShapeReady(false, true, 128, 128, 784));
        assertTrue(warmup.isShapeReady(false, true, 104, 96, 600), "the same pilot");
        assertFalse(warmup.isShapeReady(false, true, 200, 200, 200), "another pilot, never asked for");
        assertFalse(warmup.isShapeReady(true, true, 128, 128, 784), "another layout");
        assertTrue(warmup.isIdle());
    }

    @Test
    void aLayoutThatNeverGetsFastIsGivenUpAfterItsBudget() {
        GemmWarmup warmup = new GemmWarmup(new Cold(Integer.MAX_VALUE, 100_000), STEADY, null, 50_000_000L);
        long start = System.nanoTime();
        warmup.request(0);
        assertFalse(warmup.isReady(0));
        assertTrue(warmup.isIdle(), "given up counts as finished");
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "within the budget, roughly");
    }

    @Test
    void theWarmUpThreadStaysOffTheCpuWhileAProbeRuns() {
        AtomicInteger simdCalls = new AtomicInteger();
        Gemm counting = new Cold(0, 0) {
            @Override
            public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff,
                              int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
                simdCalls.incrementAndGet();
                LockSupport.parkNanos(1_000_000); // 1 ms a call: far slower than 3x STEADY, never ready
            }
        };
        GemmWarmup warmup = new GemmWarmup(counting, STEADY,
                task -> Thread.ofPlatform().daemon().start(task), 3_000_000_000L);
        warmup.request(0);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (simdCalls.get() == 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        int during = warmup.probing(() -> {
            LockSupport.parkNanos(150_000_000); // let a round in progress finish
            int before = simdCalls.get();
            LockSupport.parkNanos(100_000_000);
            return simdCalls.get() - before;
        });
        assertEquals(0, during, "the warm-up thread ran while a probe was timing");
    }

    @Test
    void withoutAThreadAPilotAskedForAgainDuringAProbeIsCompiledOnTheSpot() {
        Cold simd = new Cold(30, 100_000);
        GemmWarmup warmup = new GemmWarmup(simd, STEADY, null);
        warmup.requestShape(false, false, 100, 100, 100);
        assertTrue(warmup.isShapeReady(false, false, 100, 100, 100));
        int calls = simd.calls.get();
        // As a probe that found the sentinel cold does: on the caller, inside the probe.
        boolean ready = warmup.probing(() -> {
            warmup.requestShapeAgain(false, false, 100, 100, 100);
            return warmup.isShapeReady(false, false, 100, 100, 100);
        });
        assertTrue(ready, "compiled again, without waiting for the probe to end");
        assertTrue(simd.calls.get() > calls);
    }

    @Test
    void theWarmupPropertyMustBeTrueOrFalse() {
        String saved = System.getProperty(GemmWarmup.PROPERTY);
        try {
            System.setProperty(GemmWarmup.PROPERTY, "false");
            assertFalse(GemmWarmup.backgroundAllowed());
            System.setProperty(GemmWarmup.PROPERTY, "off");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, GemmWarmup::backgroundAllowed);
            assertTrue(e.getMessage().contains("-Disthmus.warmup=off"), e.getMessage());
        } finally {
            if (saved == null) {
                System.clearProperty(GemmWarmup.PROPERTY);
            } else {
                System.setProperty(GemmWarmup.PROPERTY, saved);
            }
        }
    }
}
