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
        assertTrue(AutoGemm.prefersBlas(9, 8, 8, 1));
        assertTrue(AutoGemm.prefersBlas(512, 512, 512, 1));
        assertTrue(AutoGemm.prefersBlas(65536, 32, 27, 1), "one thread: BLAS even for tall skinny");
        assertFalse(AutoGemm.prefersBlas(65536, 32, 27, 2), "two threads: SIMD splits tall skinny rows better");
        assertTrue(AutoGemm.prefersBlas(65536, 128, 27, 2));
    }

    @Test
    void dispatchesToTheChosenImplementation() {
        List<String> calls = new ArrayList<>();
        AutoGemm auto = new AutoGemm(new Recording("simd", calls), new Recording("blas", calls));
        float[] big = new float[64 * 64];
        auto.sgemm(false, false, 64, 64, 64, 1f, big, 0, 64, big, 0, 64, 0f, big.clone(), 0, 64);
        auto.sgemm(false, false, 2, 2, 2, 1f, big, 0, 2, big, 0, 2, 0f, big.clone(), 0, 2);
        assertEquals(List.of("blas", "simd"), calls);
    }
}
