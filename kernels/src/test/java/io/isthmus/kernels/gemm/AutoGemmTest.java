package io.isthmus.kernels.gemm;

import io.isthmus.kernels.Kernels;
import io.isthmus.kernels.SimdKernels;
import io.isthmus.kernels.Threads;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** AutoGemm's rule and life cycle on injected timings (no clock involved), and its products on the real backends. */
class AutoGemmTest {

    /** Records which implementation ran. */
    private static final class Recording implements Gemm {
        private final String name;
        private final List<String> calls;

        Recording(String name, List<String> calls) {
            this.name = name;
            this.calls = calls;
        }

        @Override
        public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                          float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
            calls.add(name);
        }

        @Override
        public void sgemm(boolean transA, int m, float alpha, float[] a, int aOff, int lda, PreparedB b,
                          float beta, float[] c, int cOff, int ldc) {
            calls.add(name + " prepared " + m + "x" + b.n() + "x" + b.k());
        }

        @Override
        public String name() {
            return name;
        }
    }

    /** Answers with the timings it is given, per m x n x k, once {@link #ready}; counts what it was asked. */
    private static class FakeTimer implements ShapeTimer {
        final List<String> asked = new ArrayList<>();
        final List<String> prepared = new ArrayList<>();
        final List<String> warmedUp = new ArrayList<>();
        final Map<String, Timings> answers = new HashMap<>();
        Timings otherwise = null;
        boolean ready = true;
        boolean quiet = true;
        int readyAsked;
        int quietAsked;

        @Override
        public boolean ready(boolean transA, boolean transB, int m, int n, int k) {
            readyAsked++;
            return ready;
        }

        @Override
        public boolean quiet(int m, int n, int k) {
            quietAsked++;
            return quiet;
        }

        @Override
        public Timings time(boolean transA, boolean transB, int m, int n, int k) {
            asked.add(m + "x" + n + "x" + k);
            Timings t = answers.getOrDefault(m + "x" + n + "x" + k, otherwise);
            return t == null ? null : new Timings(t.simdNanos(), t.blasNanos(), quiet);
        }

        @Override
        public void warmUpAll() {
        }

        @Override
        public void warmUp(boolean transA, boolean transB, int m, int n, int k) {
            warmedUp.add(m + "x" + n + "x" + k);
        }

        @Override
        public boolean awaitWarmUp(long nanos) {
            return ready;
        }

        @Override
        public boolean prepare(boolean transA, boolean transB, int m, int n, int k, long nanos) {
            prepared.add(m + "x" + n + "x" + k);
            ready = true;
            quiet = true;
            return true;
        }
    }

    private final List<String> calls = new ArrayList<>();
    private final FakeTimer timer = new FakeTimer();
    private final long[] clock = {0};

    private AutoGemm auto(DecisionCache cache) {
        return new AutoGemm(new Recording("simd", calls), new Recording("blas", calls), timer, cache, () -> clock[0]);
    }

    private static ShapeTimer.Timings t(long simd, long blas) {
        return new ShapeTimer.Timings(simd, blas, true);
    }

    private static void call(Gemm gemm, boolean transA, boolean transB, int m, int n, int k) {
        // The recordings never touch the arrays.
        float[] none = new float[1];
        gemm.sgemm(transA, transB, m, n, k, 1f, none, 0, Math.max(1, transA ? m : k), none, 0,
                Math.max(1, transB ? k : n), 0f, none, 0, Math.max(1, n));
    }

    private static <T> T onThreads(int threads, Supplier<T> body) {
        int saved = Threads.count();
        Threads.set(threads);
        try {
            return body.get();
        } finally {
            Threads.set(saved);
        }
    }

    private static GemmDecision inFile(Path dir, boolean transA, boolean transB, int m, int n, int k, int threads) {
        return DecisionCache.in(dir, "machine A").lookup(ShapeClass.of(transA, transB, m, n, k, threads));
    }

    /** The rule on a one-thread product (every probe conclusive). */
    private static AutoGemm.Verdict judge(long simd, long blas) {
        return onThreads(1, () -> AutoGemm.judge(t(simd, blas), 128, 128, 784));
    }

    @Test
    void theRuleTakesOpenBlasOnlyWhenItIsFasterByMoreThanTheMargin() {
        assertEquals(new AutoGemm.Verdict(true, true, true), judge(200, 100));
        assertEquals(new AutoGemm.Verdict(false, true, true), judge(100, 200));
        // OpenBLAS 2% faster: within the 3% margin, so the default, SIMD.
        assertFalse(judge(1020, 1000).usesBlas());
        assertFalse(judge(1030, 1000).usesBlas(), "exactly at the margin is still a tie");
        assertTrue(judge(1031, 1000).usesBlas());
        assertTrue(judge(1040, 1000).usesBlas());
        assertFalse(judge(1000, 1000).usesBlas());
    }

    @Test
    void simdMuchSlowerThanOpenBlasIsNotTrusted() {
        assertEquals(new AutoGemm.Verdict(true, false, false), judge(301, 100));
        assertEquals(new AutoGemm.Verdict(true, true, true), judge(300, 100), "3x exactly is still a timing");
        assertEquals(new AutoGemm.Verdict(true, false, false), judge(5_000_000, -1), "stopped after SIMD's first call");
    }

    /** Which probes made while something else ran (not quiet) may still settle a decision. */
    @Test
    void aProbeThatWasNotQuietIsConclusiveOnlyIfSimdWonAgainstASingleThreadedOpenBlas() {
        ShapeTimer.Timings simdFaster = new ShapeTimer.Timings(100, 200, false);
        ShapeTimer.Timings blasFaster = new ShapeTimer.Timings(200, 100, false);
        onThreads(2, () -> {
            // 32^3 and 128x128x784: OpenBLAS runs them on one thread (below 2^24).
            assertTrue(AutoGemm.judge(simdFaster, 32, 32, 32).conclusive());
            assertTrue(AutoGemm.judge(simdFaster, 128, 128, 784).conclusive());
            assertFalse(AutoGemm.judge(blasFaster, 32, 32, 32).conclusive(), "SIMD may have been recompiling");
            assertFalse(AutoGemm.judge(blasFaster, 128, 128, 784).conclusive());
            // 256^3: OpenBLAS splits it too, and was slowed as much.
            assertFalse(AutoGemm.judge(simdFaster, 256, 256, 256).conclusive());
            assertFalse(AutoGemm.judge(blasFaster, 256, 256, 256).conclusive());
            // Quiet: all conclusive.
            assertTrue(AutoGemm.judge(new ShapeTimer.Timings(200, 100, true), 256, 256, 256).conclusive());
            assertTrue(AutoGemm.judge(new ShapeTimer.Timings(200, 100, true), 32, 32, 32).conclusive());
            return null;
        });
        onThreads(1, () -> {
            assertTrue(AutoGemm.judge(simdFaster, 256, 256, 256).conclusive(), "one thread: OpenBLAS does not split");
            assertFalse(AutoGemm.judge(blasFaster, 256, 256, 256).conclusive());
            return null;
        });
    }

    @Test
    void aProductWithAPreparedBRunsOnItsClasssBackendAndGetsThePreparedB() {
        timer.answers.put("64x1024x256", t(200_000, 300_000)); // SIMD faster
        timer.answers.put("64x10x256", t(9_000, 6_000));       // OpenBLAS faster
        AutoGemm auto = auto(DecisionCache.none());
        PreparedB wide = new PreparedB(false, 256, 1024, new float[256 * 1024], 0, 1024);
        PreparedB narrow = new PreparedB(true, 256, 10, new float[10 * 256], 0, 256);
        onThreads(1, () -> {
            auto.sgemm(false, 64, 1f, new float[64 * 256], 0, 256, wide, 1f, new float[64 * 1024], 0, 1024);
            auto.sgemm(false, 64, 1f, new float[64 * 256], 0, 256, narrow, 0f, new float[64 * 10], 0, 10);
            // the same class as a plain product of that shape
            call(auto, false, false, 64, 1024, 256);
            return null;
        });
        assertEquals(List.of("simd prepared 64x1024x256", "blas prepared 64x10x256", "simd"), calls);
    }

    @Test
    void picksTheMeasuredFasterAndKeepsItForTheWholeClass() {
        timer.answers.put("128x128x784", t(200_000, 300_000)); // SIMD faster
        timer.answers.put("128x10x128", t(9_000, 6_000));      // OpenBLAS faster
        AutoGemm auto = auto(DecisionCache.none());
        onThreads(1, () -> {
            call(auto, false, true, 128, 128, 784);
            call(auto, false, true, 128, 10, 128);
            // Same classes (same buckets), whatever the timer would say for these shapes now.
            timer.otherwise = t(1, 1_000_000);
            call(auto, false, true, 200, 255, 1000);
            call(auto, false, true, 130, 12, 200);
            call(auto, false, true, 128, 128, 784);
            return null;
        });
        assertEquals(List.of("simd", "blas", "simd", "blas", "simd"), calls);
        assertEquals(List.of("128x128x784", "128x10x128"), timer.asked, "one probe per class (the clock stood still)");
        List<GemmDecision> decisions = auto.decisions();
        assertEquals(2, decisions.size());
        GemmDecision first = decisions.get(0);
        assertEquals(ShapeClass.of(false, true, 128, 128, 784, 1), first.shapeClass());
        assertEquals(200_000, first.simdNanos());
        assertEquals(300_000, first.blasNanos());
        assertFalse(first.usesBlas());
        assertEquals(GemmDecision.Source.MEASURED, first.source());
        assertTrue(decisions.get(1).usesBlas());
    }

    @Test
    void aDecisionStaysFixedWhenTheMachineChangesItsMind() {
        timer.otherwise = t(100, 200);
        AutoGemm auto = auto(DecisionCache.none());
        onThreads(2, () -> {
            call(auto, true, false, 64, 64, 64);
            timer.otherwise = t(200, 100);
            for (int i = 0; i < 5; i++) {
                clock[0] += AutoGemm.RETRY_NANOS << 4;
                call(auto, true, false, 64, 64, 64);
            }
            return null;
        });
        assertEquals(List.of("simd", "simd", "simd", "simd", "simd", "simd"), calls);
        assertEquals(3, timer.asked.size(), "the two later probes agreed on OpenBLAS (for the file); no switch");
    }

    @Test
    void tinyProductsRunOnSimdUnmeasured() {
        timer.otherwise = t(1_000, 1);
        AutoGemm auto = auto(DecisionCache.none());
        call(auto, false, false, 16, 16, 16); // 4096 multiply-adds
        call(auto, true, true, 1, 1, 1);
        call(auto, false, false, 17, 16, 16);
        assertEquals(List.of("simd", "simd", "blas"), calls);
        assertEquals(List.of("17x16x16"), timer.asked);
    }

    @Test
    void aDecisionIsWrittenOnlyWhenTwoQuietProbesAgree(@TempDir Path dir) {
        AutoGemm auto = auto(DecisionCache.in(dir, "machine A"));
        onThreads(1, () -> {
            timer.otherwise = t(100, 200);
            call(auto, false, true, 128, 128, 784);
            assertNull(inFile(dir, false, true, 128, 128, 784, 1), "one probe is not enough");
            clock[0] += AutoGemm.RETRY_NANOS - 1;
            call(auto, false, true, 128, 128, 784);
            assertEquals(1, timer.asked.size(), "not before the wait is over");
            clock[0] += 1;
            call(auto, false, true, 128, 128, 784);
            assertEquals(2, timer.asked.size());
            assertFalse(inFile(dir, false, true, 128, 128, 784, 1).usesBlas(), "two agreeing probes: written");
            clock[0] += AutoGemm.RETRY_NANOS << 4;
            call(auto, false, true, 128, 128, 784);
            assertEquals(2, timer.asked.size(), "settled: no more probes");

            // Another class: OpenBLAS first, SIMD the next two times. The process keeps OpenBLAS.
            timer.otherwise = t(300, 200);
            call(auto, false, false, 64, 64, 64);
            timer.otherwise = t(150, 200);
            clock[0] += AutoGemm.RETRY_NANOS;
            call(auto, false, false, 64, 64, 64);
            assertNull(inFile(dir, false, false, 64, 64, 64, 1), "the two disagreed");
            clock[0] += AutoGemm.RETRY_NANOS;
            call(auto, false, false, 64, 64, 64);
            assertEquals(4, timer.asked.size(), "the wait doubled");
            clock[0] += AutoGemm.RETRY_NANOS;
            call(auto, false, false, 64, 64, 64);
            assertEquals(5, timer.asked.size());
            return null;
        });
        assertFalse(inFile(dir, false, false, 64, 64, 64, 1).usesBlas(), "the second and third agreed on SIMD");
        assertEquals(List.of("simd", "simd", "simd", "simd", "blas", "blas", "blas", "blas"), calls);
    }

    @Test
    void takesSettledDecisionsWithoutMeasuringOrWaiting(@TempDir Path dir) {
        timer.otherwise = t(100, 300);
        AutoGemm first = auto(DecisionCache.in(dir, "machine A"));
        onThreads(1, () -> {
            call(first, false, true, 128, 128, 784);
            clock[0] += AutoGemm.RETRY_NANOS;
            call(first, false, true, 128, 128, 784);
            return null;
        });
        timer.otherwise = t(300, 100);
        timer.ready = false; // a fresh process: the SIMD GEMM not compiled yet
        timer.readyAsked = 0;
        AutoGemm second = auto(DecisionCache.in(dir, "machine A"));
        onThreads(1, () -> {
            call(second, false, true, 128, 128, 784);
            clock[0] += AutoGemm.RETRY_NANOS << 4;
            call(second, false, true, 128, 128, 784);
            return null;
        });
        assertEquals(List.of("simd", "simd", "simd", "simd"), calls);
        assertEquals(2, timer.asked.size(), "the second process reads the first one's decision");
        assertEquals(0, timer.readyAsked, "and does not wait for a warm-up it does not need");
        assertEquals(List.of("128x128x784"), timer.warmedUp, "only the first process compiled the shape");
        assertEquals(GemmDecision.Source.CACHED, second.decisions().get(0).source());
        assertEquals(100, second.decisions().get(0).simdNanos());
    }

    @Test
    void aCorruptDecisionFileIsMeasuredAgainAndReplaced(@TempDir Path dir) throws java.io.IOException {
        Path file = DecisionCache.in(dir, "machine A").file();
        java.nio.file.Files.writeString(file, "version " + DecisionCache.VERSION + "\nkey machine A\n"
                + ShapeClass.of(false, true, 128, 128, 784, 1) + " blas 128 128 784 garbage\n");
        timer.otherwise = t(100, 200);
        AutoGemm auto = auto(DecisionCache.in(dir, "machine A"));
        onThreads(1, () -> {
            call(auto, false, true, 128, 128, 784);
            clock[0] += AutoGemm.RETRY_NANOS;
            call(auto, false, true, 128, 128, 784);
            return null;
        });
        assertEquals(List.of("simd", "simd"), calls, "the broken file's OpenBLAS was not taken");
        assertEquals(2, timer.asked.size());
        assertFalse(inFile(dir, false, true, 128, 128, 784, 1).usesBlas(), "replaced with the new decision");
    }

    @Test
    void beforeTheWarmUpAClassRunsOnOpenBlasForTheProcessAndIsMeasuredForTheNext(@TempDir Path dir) {
        timer.ready = false;
        timer.otherwise = t(100, 200); // SIMD faster, once it can be timed
        AutoGemm auto = auto(DecisionCache.in(dir, "machine A"));
        onThreads(1, () -> {
            call(auto, false, true, 128, 128, 784);
            call(auto, false, true, 128, 128, 784);
            assertTrue(timer.asked.isEmpty(), "nothing timed before the warm-up");
            assertTrue(timer.readyAsked > 0, "it asked whether the warm-up was done");
            assertEquals(List.of("128x128x784"), timer.warmedUp, "and this shape's paths, once");
            timer.ready = true;
            clock[0] += AutoGemm.CHECK_NANOS - 1;
            call(auto, false, true, 128, 128, 784);
            assertTrue(timer.asked.isEmpty(), "calls in between only read the clock");
            clock[0] += 1;
            call(auto, false, true, 128, 128, 784); // timed now, for the file
            clock[0] += AutoGemm.RETRY_NANOS;
            call(auto, false, true, 128, 128, 784); // and again: settled
            call(auto, false, true, 128, 128, 784);
            return null;
        });
        assertEquals(List.of("blas", "blas", "blas", "blas", "blas", "blas"), calls, "no switch within the process");
        assertEquals(2, timer.asked.size());
        GemmDecision decision = auto.decisions().get(0);
        assertEquals(GemmDecision.Source.PROVISIONAL, decision.source());
        assertTrue(decision.usesBlas());

        calls.clear();
        AutoGemm next = auto(DecisionCache.in(dir, "machine A"));
        onThreads(1, () -> {
            call(next, false, true, 128, 128, 784);
            return null;
        });
        assertEquals(List.of("simd"), calls, "the next process takes the settled decision");
        assertEquals(GemmDecision.Source.CACHED, next.decisions().get(0).source());
    }

    @Test
    void beforeTheWarmUpAMultiThreadedClassStartsOnItsSettledOneThreadDecision(@TempDir Path dir) {
        timer.otherwise = t(100, 300);
        AutoGemm first = auto(DecisionCache.in(dir, "machine A"));
        onThreads(1, () -> {
            call(first, false, true, 128, 128, 784);
            clock[0] += AutoGemm.RETRY_NANOS;
            call(first, false, true, 128, 128, 784); // settles SIMD for one thread
            return null;
        });
        calls.clear();
        timer.ready = false; // a fresh process: the SIMD GEMM not compiled yet
        AutoGemm second = auto(DecisionCache.in(dir, "machine A"));
        onThreads(2, () -> {
            call(second, false, true, 128, 128, 784);
            call(second, false, true, 256, 256, 1024); // no one-thread decision for this one
            return null;
        });
        assertEquals(List.of("simd", "blas"), calls);
        assertEquals(GemmDecision.Source.PROVISIONAL, second.decisions().get(0).source());
        assertEquals(GemmDecision.Source.PROVISIONAL, second.decisions().get(1).source());
    }

    @Test
    void untrustedTimingsAreRetriedFurtherAndFurtherApartAndNeverWritten(@TempDir Path dir) {
        timer.otherwise = t(1000, 100); // SIMD 10x slower: "not compiled"
        AutoGemm auto = auto(DecisionCache.in(dir, "machine A"));
        onThreads(1, () -> {
            call(auto, false, false, 256, 256, 256);
            assertEquals(1, timer.asked.size());
            clock[0] += AutoGemm.RETRY_NANOS;
            call(auto, false, false, 256, 256, 256);
            assertEquals(2, timer.asked.size());
            clock[0] += AutoGemm.RETRY_NANOS;
            call(auto, false, false, 256, 256, 256);
            assertEquals(2, timer.asked.size(), "the wait doubles");
            clock[0] += AutoGemm.RETRY_NANOS;
            call(auto, false, false, 256, 256, 256);
            assertEquals(3, timer.asked.size());
            for (int i = 0; i < 2 * AutoGemm.PROBES; i++) {
                clock[0] += AutoGemm.MAX_WAIT_NANOS; // the wait stops doubling there
                call(auto, false, false, 256, 256, 256);
                assertEquals(Math.min(4 + i, AutoGemm.PROBES), timer.asked.size());
            }
            return null;
        });
        assertEquals(AutoGemm.PROBES, timer.asked.size(), "at most this many probes in all");
        assertTrue(calls.stream().allMatch("blas"::equals));
        GemmDecision decision = auto.decisions().get(0);
        assertEquals(GemmDecision.Source.PROVISIONAL, decision.source());
        assertEquals(1000, decision.simdNanos());
        assertTrue(DecisionCache.in(dir, "machine A").all().isEmpty());
    }

    @Test
    void anUntrustedTimingFollowedByRealOnesIsWritten(@TempDir Path dir) {
        timer.otherwise = t(1000, 100);
        AutoGemm auto = auto(DecisionCache.in(dir, "machine A"));
        onThreads(2, () -> {
            call(auto, false, false, 256, 256, 256);
            timer.otherwise = t(90, 100); // compiled now: SIMD faster
            clock[0] += AutoGemm.RETRY_NANOS;
            call(auto, false, false, 256, 256, 256);
            clock[0] += AutoGemm.RETRY_NANOS << 1;
            call(auto, false, false, 256, 256, 256);
            clock[0] += AutoGemm.RETRY_NANOS << 4;
            call(auto, false, false, 256, 256, 256);
            return null;
        });
        assertEquals(List.of("blas", "blas", "blas", "blas"), calls);
        assertEquals(3, timer.asked.size(), "settled by the second and third probes");
        assertFalse(inFile(dir, false, false, 256, 256, 256, 2).usesBlas());
    }

    @Test
    void probesThatAreNotQuietDecideForTheProcessButNeverForTheFile(@TempDir Path dir) {
        timer.otherwise = t(300, 200); // OpenBLAS faster while the JIT runs
        timer.quiet = false;
        AutoGemm auto = auto(DecisionCache.in(dir, "machine A"));
        onThreads(2, () -> {
            // 256^3 on two threads: both backends split it, only a quiet probe can settle it.
            call(auto, false, false, 256, 256, 256);
            clock[0] += AutoGemm.RETRY_NANOS;
            call(auto, false, false, 256, 256, 256);
            assertEquals(1, timer.asked.size(), "no probe while it is not quiet");
            timer.quiet = true;
            timer.otherwise = t(150, 200); // SIMD faster on a quiet machine
            clock[0] += AutoGemm.CHECK_NANOS;
            call(auto, false, false, 256, 256, 256);
            assertEquals(2, timer.asked.size());
            assertNull(inFile(dir, false, false, 256, 256, 256, 2), "the first probe was not quiet: no vote");
            clock[0] += AutoGemm.RETRY_NANOS << 1;
            call(auto, false, false, 256, 256, 256);
            return null;
        });
        assertEquals(List.of("blas", "blas", "blas", "blas"), calls, "the process keeps its first decision");
        assertEquals(GemmDecision.Source.MEASURED, auto.decisions().get(0).source());
        assertEquals(3, timer.asked.size());
        assertFalse(inFile(dir, false, false, 256, 256, 256, 2).usesBlas(), "the file has the quiet probes' SIMD");
    }

    @Test
    void simdWinningWhileTheJitRunsSettlesAProductOnlySimdSplits(@TempDir Path dir) {
        timer.otherwise = t(150, 200);
        timer.quiet = false; // the JIT compiling all along, as in a short program's first seconds
        AutoGemm auto = auto(DecisionCache.in(dir, "machine A"));
        onThreads(2, () -> {
            call(auto, false, true, 128, 128, 784);
            clock[0] += AutoGemm.RETRY_NANOS;
            call(auto, false, true, 128, 128, 784);
            return null;
        });
        assertEquals(2, timer.asked.size());
        assertFalse(inFile(dir, false, true, 128, 128, 784, 2).usesBlas(), "written: SIMD could only have been slowed");
    }

    @Test
    void callsOfAnUnsettledClassLookAtItAtMostEveryFewMilliseconds() {
        timer.otherwise = t(150, 200);
        timer.quiet = false;
        AutoGemm auto = auto(DecisionCache.none());
        onThreads(2, () -> {
            call(auto, false, false, 256, 256, 256);
            clock[0] += AutoGemm.RETRY_NANOS;
            for (int i = 0; i < 100; i++) {
                call(auto, false, false, 256, 256, 256);
            }
            assertEquals(1, timer.quietAsked, "not quiet: the next 99 calls only read the clock");
            clock[0] += AutoGemm.CHECK_NANOS;
            call(auto, false, false, 256, 256, 256);
            return null;
        });
        assertEquals(2, timer.quietAsked);
        assertEquals(1, timer.asked.size());
    }

    @Test
    void aClassThatNeverGetsAQuietMomentGivesUpWithoutWritingAnything(@TempDir Path dir) {
        timer.ready = false;
        timer.quiet = false;
        timer.otherwise = t(150, 200);
        AutoGemm auto = auto(DecisionCache.in(dir, "machine A"));
        onThreads(2, () -> {
            call(auto, false, false, 256, 256, 256);
            timer.ready = true;
            for (int i = 0; i < 10; i++) {
                clock[0] += AutoGemm.PENDING_NANOS / 8;
                call(auto, false, false, 256, 256, 256);
            }
            int asked = timer.quietAsked;
            assertTrue(asked > 0 && asked < 10, "stopped asking after " + AutoGemm.PENDING_NANOS + " ns: " + asked);
            call(auto, false, false, 256, 256, 256);
            assertEquals(asked, timer.quietAsked, "no longer pending");
            return null;
        });
        assertTrue(timer.asked.isEmpty());
        assertTrue(calls.stream().allMatch("blas"::equals));
        assertTrue(DecisionCache.in(dir, "machine A").all().isEmpty());
    }

    @Test
    void operandsTooLargeToTimeGoToOpenBlas() {
        timer.otherwise = null; // the probe declines
        AutoGemm auto = auto(DecisionCache.none());
        call(auto, false, false, 64, 64, 64);
        clock[0] += AutoGemm.RETRY_NANOS << 4;
        call(auto, false, false, 64, 64, 64);
        assertEquals(List.of("blas", "blas"), calls);
        assertEquals(1, timer.asked.size(), "not probed again");
        assertEquals(GemmDecision.Source.UNMEASURABLE, auto.decisions().get(0).source());
    }

    @Test
    void prepareDecidesAClassBeforeItsFirstCallFromAQuietProbe(@TempDir Path dir) {
        timer.ready = false; // a fresh process
        timer.quiet = false;
        timer.otherwise = t(100, 200);
        AutoGemm auto = auto(DecisionCache.in(dir, "machine A"));
        GemmDecision decision = onThreads(2, () -> auto.prepare(false, true, 128, 128, 784, Duration.ofSeconds(1)))
                .orElseThrow();
        assertEquals(List.of("128x128x784"), timer.prepared, "compiled and waited for quiet first");
        assertEquals(List.of("128x128x784"), timer.asked);
        assertEquals(GemmDecision.Source.MEASURED, decision.source());
        assertFalse(decision.usesBlas());
        onThreads(2, () -> {
            call(auto, false, true, 128, 128, 784);
            assertEquals(decision, auto.prepare(false, true, 200, 200, 1000, Duration.ofSeconds(1)).orElseThrow(),
                    "the same class: its decision, no new probe");
            return null;
        });
        assertEquals(List.of("simd"), calls);
        assertEquals(1, timer.prepared.size());
        assertTrue(auto.prepare(false, false, 16, 16, 16, Duration.ofSeconds(1)).isEmpty(), "tiny: never measured");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> auto.prepare(false, false, -1, 16, 16, Duration.ofSeconds(1)));
        assertTrue(e.getMessage().contains("m=-1"), e.getMessage());
    }

    @Test
    void prepareTakesASettledDecisionWithoutWaiting(@TempDir Path dir) {
        int key = ShapeClass.of(false, true, 128, 128, 784, 1);
        DecisionCache.in(dir, "machine A").record(new GemmDecision(key, 128, 128, 784, 300, 200, true,
                GemmDecision.Source.MEASURED));
        AutoGemm auto = auto(DecisionCache.in(dir, "machine A"));
        GemmDecision decision = onThreads(1, () -> auto.prepare(false, true, 128, 128, 784, Duration.ofSeconds(1)))
                .orElseThrow();
        assertEquals(GemmDecision.Source.CACHED, decision.source());
        assertTrue(decision.usesBlas());
        assertTrue(timer.prepared.isEmpty());
        assertTrue(timer.asked.isEmpty());
    }

    @Test
    void theProbeCutsOnlyTheDepthOfLargeProducts() {
        assertEquals(784, GemmProbe.probeDepth(128, 128, 784));
        assertEquals(512, GemmProbe.probeDepth(512, 512, 512), "512^3 = 2^27 is timed whole");
        assertEquals(1024, GemmProbe.probeDepth(1024, 1024, 1024), "above 2^27, but k is not above 1024");
        assertEquals(1024, GemmProbe.probeDepth(2048, 2048, 2048));
        assertEquals(1024, GemmProbe.probeDepth(512, 512, 4096));
        assertEquals(2048, GemmProbe.probeDepth(64, 1024, 4096), "cut to 2^27 multiply-adds when that is more than 1024");
        assertEquals(100, GemmProbe.probeDepth(65536, 65536, 100), "never deeper than k");
    }

    /** A probe on the real backends: both times positive, and large operands declined. */
    @Test
    void aProbeOfTheRealBackendsTimesBoth() {
        // what AutoGemm times: the vector tile, never the twin that runs while it compiles
        Optional<Gemm> simd = Kernels.simd().map(SimdKernels::vectorGemm);
        Optional<Gemm> blas = Kernels.blasGemm();
        Assumptions.assumeTrue(simd.isPresent() && blas.isPresent(), "needs both SIMD and OpenBLAS");
        GemmWarmup warmup = new GemmWarmup(simd.get(), blas.get(), null);
        GemmProbe probe = new GemmProbe(simd.get(), blas.get(), warmup);
        probe.warmUp(false, true, 33, 17, 65); // the layout and this shape's pilot, on this thread
        assertTrue(probe.ready(false, true, 33, 17, 65), "compiled on this thread (no warm-up thread)");
        // As AutoGemm does: a probe that finds SIMD uncompiled (code other tests' shapes sent back
        // to the interpreter, say) is tried again a little later; C2 recompiles within a second.
        ShapeTimer.Timings t = probe.time(false, true, 33, 17, 65);
        for (int retry = 0; retry < 10 && !AutoGemm.judge(t, 33, 17, 65).trusted(); retry++) {
            java.util.concurrent.locks.LockSupport.parkNanos(AutoGemm.RETRY_NANOS);
            t = probe.time(false, true, 33, 17, 65);
        }
        assertTrue(t.simdNanos() > 0 && t.blasNanos() > 0, t.toString());
        assertTrue(AutoGemm.judge(t, 33, 17, 65).trusted(), "compiled SIMD is within 3x of OpenBLAS: " + t);
        assertNull(probe.time(false, false, 1 << 13, 1 << 13, 1 << 13), "operands above 64 MB are not timed");
    }

    /** Every layout, awkward sizes, both real backends: whichever auto picks, the product is right. */
    @Test
    void matchesTheReferenceWhicheverBackendEachClassGets() {
        Optional<Gemm> simd = Kernels.simd().map(SimdKernels::gemm);
        Optional<Gemm> blas = Kernels.blasGemm();
        Assumptions.assumeTrue(simd.isPresent() && blas.isPresent(), "needs both SIMD and OpenBLAS");
        int[] probes = {0};
        // Alternate, so both backends get classes of every layout.
        ShapeTimer alternating = new FakeTimer() {
            @Override
            public Timings time(boolean transA, boolean transB, int m, int n, int k) {
                return probes[0]++ % 2 == 0 ? t(1, 100) : t(100, 1);
            }
        };
        AutoGemm auto = new AutoGemm(simd.get(), blas.get(), alternating, DecisionCache.none());
        int[] sizes = {1, 7, 17, 33, 127};
        Random random = new Random(5);
        for (int threads : new int[] {1, 2}) {
            onThreads(threads, () -> {
                for (int layout = 0; layout < 4; layout++) {
                    boolean transA = (layout & 1) != 0;
                    boolean transB = (layout & 2) != 0;
                    for (int m : sizes) {
                        for (int n : sizes) {
                            for (int k : sizes) {
                                assertMatchesReference(auto, transA, transB, m, n, k, random);
                            }
                        }
                    }
                }
                return null;
            });
        }
        assertTrue(auto.decisions().stream().anyMatch(GemmDecision::usesBlas));
        assertTrue(auto.decisions().stream().anyMatch(d -> !d.usesBlas()));
    }

    private static void assertMatchesReference(Gemm gemm, boolean transA, boolean transB, int m, int n, int k,
                                               Random random) {
        float[] a = new float[m * k];
        float[] b = new float[k * n];
        float[] c = new float[m * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = random.nextFloat() * 2 - 1;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = random.nextFloat() * 2 - 1;
        }
        for (int i = 0; i < c.length; i++) {
            c[i] = random.nextFloat() * 2 - 1;
        }
        float[] expected = c.clone();
        int lda = transA ? m : k;
        int ldb = transB ? k : n;
        new ReferenceGemm().sgemm(transA, transB, m, n, k, 0.5f, a, 0, lda, b, 0, ldb, -1.25f, expected, 0, n);
        gemm.sgemm(transA, transB, m, n, k, 0.5f, a, 0, lda, b, 0, ldb, -1.25f, c, 0, n);
        for (int i = 0; i < c.length; i++) {
            // Sums of k products of magnitude <= 1, in float, in some order: k ulps of k is generous.
            double bound = 2 * (k + 2) * Math.ulp((float) k) + 1e-6;
            int index = i;
            assertEquals(expected[i], c[i], bound, () -> (transA ? "T" : "N") + (transB ? "T" : "N") + " " + m + "x"
                    + n + "x" + k + " element " + index);
        }
    }
}
