package io.isthmus.kernels.gemm;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

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

    @Test
    void dispatchesToTheChosenImplementation() {
        List<String> calls = new ArrayList<>();
        AutoGemm auto = new AutoGemm(new Recording("simd", calls), new Recording("blas", calls));
        // The recordings never touch the arrays, so a 1024^3 call (BLAS on any thread count) needs no real data.
        float[] big = new float[64 * 64];
        auto.sgemm(false, false, 1024, 1024, 1024, 1f, big, 0, 1024, big, 0, 1024, 0f, big.clone(), 0, 1024);
        auto.sgemm(false, false, 2, 2, 2, 1f, big, 0, 2, big, 0, 2, 0f, big.clone(), 0, 2);
        assertEquals(List.of("blas", "simd"), calls);
    }
}
