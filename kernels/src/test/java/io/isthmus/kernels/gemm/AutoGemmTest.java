package io.isthmus.kernels.gemm;

import io.isthmus.kernels.Kernels;
import io.isthmus.kernels.SimdKernels;
import io.isthmus.kernels.Threads;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        public String name() {
            return name;
        }
    }

    @Test
    void followsTheMeasuredCrossovers() {
        assertFalse(AutoGemm.prefersBlas(8, 8, 8, 1), "tiny products stay on SIMD");
        assertFalse(AutoGemm.prefersBlas(8, 8, 8, 2));
        assertFalse(AutoGemm.prefersBlas(65536, 32, 27, 1), "tall skinny: SIMD on one thread");
        assertFalse(AutoGemm.prefersBlas(65536, 32, 27, 2), "tall skinny: SIMD splits the rows better");
        assertTrue(AutoGemm.prefersBlas(65536, 128, 27, 1), "n past 64 is not skinny");

        // One thread: SIMD for square-ish 256^3..512^3, OpenBLAS otherwise.
        assertTrue(AutoGemm.prefersBlas(9, 8, 8, 1));
        assertTrue(AutoGemm.prefersBlas(64, 64, 64, 1));
        assertTrue(AutoGemm.prefersBlas(128, 128, 128, 1));
        assertFalse(AutoGemm.prefersBlas(256, 256, 256, 1));
        assertFalse(AutoGemm.prefersBlas(512, 512, 512, 1));
        assertTrue(AutoGemm.prefersBlas(513, 512, 512, 1), "past 2^27");
        assertTrue(AutoGemm.prefersBlas(1024, 1024, 1024, 1));
        assertTrue(AutoGemm.prefersBlas(128, 256, 784, 1), "m below 256");
        assertTrue(AutoGemm.prefersBlas(64, 1024, 256, 1));

        // Two threads: SIMD from its split size (64^3) up to 2^24 and for square-ish up to 512^3, OpenBLAS otherwise.
        assertFalse(AutoGemm.prefersBlas(64, 64, 64, 2));
        assertTrue(AutoGemm.prefersBlas(63, 64, 64, 2), "below the split size: the one-thread rule");
        assertTrue(AutoGemm.prefersBlas(128, 128, 10, 2), "the MLP's 128x128x10 runs as on one thread");
        assertFalse(AutoGemm.prefersBlas(128, 128, 128, 2));
        assertFalse(AutoGemm.prefersBlas(256, 256, 256, 2));
        assertFalse(AutoGemm.prefersBlas(64, 1024, 256, 2));
        assertTrue(AutoGemm.prefersBlas(128, 256, 784, 2));
        assertFalse(AutoGemm.prefersBlas(512, 512, 512, 2), "square-ish up to 512^3: SIMD on any thread count");
        assertTrue(AutoGemm.prefersBlas(1024, 1024, 1024, 2));
        assertTrue(AutoGemm.prefersBlas(2048, 2048, 2048, 2));
    }

    @Test
    void transposedOperandsOfSmallProductsGoToOpenBlasOnSeveralThreads() {
        // The MLP's forward x W^T and weight gradient dy^T x.
        assertTrue(AutoGemm.prefersBlas(false, true, 32, 128, 784, 2));
        assertTrue(AutoGemm.prefersBlas(true, false, 128, 784, 32, 2));
        assertFalse(AutoGemm.prefersBlas(false, false, 32, 128, 784, 2), "untransposed: the measured rule");
        assertTrue(AutoGemm.prefersBlas(false, true, 32, 128, 784, 1), "one thread: OpenBLAS anyway");
        assertFalse(AutoGemm.prefersBlas(false, true, 8, 8, 8, 2), "tiny products stay on SIMD");
        assertFalse(AutoGemm.prefersBlas(true, false, 65536, 32, 27, 2), "tall skinny stays on SIMD");
        assertFalse(AutoGemm.prefersBlas(false, true, 256, 256, 256, 2), "square-ish stays on SIMD");
    }

    /** Answers with the timings it is given, per layout and m, and counts its calls. */
    private static final class FakeTimer implements ShapeTimer {
        final List<String> asked = new ArrayList<>();
        final Map<String, Timings> answers = new HashMap<>();
        Timings otherwise = null;

        @Override
        public Timings time(boolean transA, boolean transB, int m, int n, int k) {
            asked.add(m + "x" + n + "x" + k);
            return answers.getOrDefault(m + "x" + n + "x" + k, otherwise);
        }
    }

    private static void call(Gemm gemm, boolean transA, boolean transB, int m, int n, int k) {
        // The recordings never touch the arrays.
        float[] none = new float[1];
        gemm.sgemm(transA, transB, m, n, k, 1f, none, 0, Math.max(1, transA ? m : k), none, 0,
                Math.max(1, transB ? k : n), 0f, none, 0, Math.max(1, n));
    }

    private static <T> T onThreads(int threads, java.util.function.Supplier<T> body) {
        int saved = Threads.count();
        Threads.set(threads);
        try {
            return body.get();
        } finally {
            Threads.set(saved);
        }
    }

    @Test
    void picksTheMeasuredFasterAndKeepsItForTheWholeClass() {
        List<String> calls = new ArrayList<>();
        FakeTimer timer = new FakeTimer();
        timer.answers.put("128x128x784", new ShapeTimer.Timings(200_000, 300_000)); // SIMD faster
        timer.answers.put("128x10x128", new ShapeTimer.Timings(9_000, 6_000));      // OpenBLAS faster
        AutoGemm auto = new AutoGemm(new Recording("simd", calls), new Recording("blas", calls), timer,
                DecisionCache.none());
        onThreads(1, () -> {
            call(auto, false, true, 128, 128, 784);
            call(auto, false, true, 128, 10, 128);
            // Same classes (same buckets), whatever the timer would say for these shapes now.
            timer.otherwise = new ShapeTimer.Timings(1, 1_000_000);
            call(auto, false, true, 200, 255, 1000);
            call(auto, false, true, 130, 12, 200);
            call(auto, false, true, 128, 128, 784);
            return null;
        });
        assertEquals(List.of("simd", "blas", "simd", "blas", "simd"), calls);
        assertEquals(List.of("128x128x784", "128x10x128"), timer.asked, "one measurement per class");
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
        List<String> calls = new ArrayList<>();
        FakeTimer timer = new FakeTimer();
        timer.otherwise = new ShapeTimer.Timings(100, 200);
        AutoGemm auto = new AutoGemm(new Recording("simd", calls), new Recording("blas", calls), timer,
                DecisionCache.none());
        onThreads(2, () -> {
            call(auto, true, false, 64, 64, 64);
            timer.otherwise = new ShapeTimer.Timings(200, 100);
            for (int i = 0; i < 5; i++) {
                call(auto, true, false, 64, 64, 64);
            }
            return null;
        });
        assertEquals(List.of("simd", "simd", "simd", "simd", "simd", "simd"), calls);
        assertEquals(1, timer.asked.size());
    }

    @Test
    void tiesGoToTheStaticRuleAndSoDoesAMissingTiming() {
        assertTrue(AutoGemm.choose(300, 100, false));
        assertFalse(AutoGemm.choose(100, 300, true));
        assertTrue(AutoGemm.choose(101, 100, true), "within the margin: the rule");
        assertFalse(AutoGemm.choose(100, 102, false), "within the margin: the rule");

        List<String> calls = new ArrayList<>();
        FakeTimer timer = new FakeTimer(); // no timing for anything
        AutoGemm auto = new AutoGemm(new Recording("simd", calls), new Recording("blas", calls), timer,
                DecisionCache.none());
        onThreads(1, () -> {
            call(auto, false, false, 1024, 1024, 1024); // rule: OpenBLAS
            call(auto, false, false, 256, 256, 256);    // rule: SIMD
            call(auto, false, false, 64, 64, 64);       // rule: OpenBLAS, but probing has stopped after two failures
            return null;
        });
        assertEquals(List.of("blas", "simd", "blas"), calls);
        assertEquals(2, timer.asked.size(), "no more probes after two without a timing");
        assertTrue(auto.decisions().stream().allMatch(d -> d.source() == GemmDecision.Source.FALLBACK && d.simdNanos() == -1));
    }

    @Test
    void tinyProductsRunOnSimdUnmeasured() {
        List<String> calls = new ArrayList<>();
        FakeTimer timer = new FakeTimer();
        timer.otherwise = new ShapeTimer.Timings(1_000, 1);
        AutoGemm auto = new AutoGemm(new Recording("simd", calls), new Recording("blas", calls), timer,
                DecisionCache.none());
        call(auto, false, false, 16, 16, 16); // 4096 multiply-adds
        call(auto, true, true, 1, 1, 1);
        call(auto, false, false, 17, 16, 16);
        assertEquals(List.of("simd", "simd", "blas"), calls);
        assertEquals(List.of("17x16x16"), timer.asked);
    }

    @Test
    void takesCachedDecisionsWithoutMeasuring(@TempDir Path dir) {
        FakeTimer timer = new FakeTimer();
        timer.otherwise = new ShapeTimer.Timings(100, 300);
        List<String> calls = new ArrayList<>();
        AutoGemm first = new AutoGemm(new Recording("simd", calls), new Recording("blas", calls), timer,
                DecisionCache.in(dir, "machine A"));
        onThreads(1, () -> {
            call(first, false, true, 128, 128, 784);
            return null;
        });
        timer.otherwise = new ShapeTimer.Timings(300, 100);
        AutoGemm second = new AutoGemm(new Recording("simd", calls), new Recording("blas", calls), timer,
                DecisionCache.in(dir, "machine A"));
        onThreads(1, () -> {
            call(second, false, true, 128, 128, 784);
            return null;
        });
        assertEquals(List.of("simd", "simd"), calls);
        assertEquals(1, timer.asked.size(), "the second process reads the first one's decision");
        assertEquals(GemmDecision.Source.CACHED, second.decisions().get(0).source());
        assertEquals(100, second.decisions().get(0).simdNanos());
    }

    /** Every layout, awkward sizes, both real backends: whichever auto picks, the product is right. */
    @Test
    void matchesTheReferenceWhicheverBackendEachClassGets() {
        Optional<Gemm> simd = Kernels.simd().map(SimdKernels::gemm);
        Optional<Gemm> blas = Kernels.blasGemm();
        Assumptions.assumeTrue(simd.isPresent() && blas.isPresent(), "needs both SIMD and OpenBLAS");
        int[] asked = {0};
        // Alternate, so both backends get classes of every layout.
        ShapeTimer timer = (transA, transB, m, n, k) -> asked[0]++ % 2 == 0
                ? new ShapeTimer.Timings(1, 100) : new ShapeTimer.Timings(100, 1);
        AutoGemm auto = new AutoGemm(simd.get(), blas.get(), timer, DecisionCache.none());
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
