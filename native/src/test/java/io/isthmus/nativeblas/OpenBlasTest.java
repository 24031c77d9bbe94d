package io.isthmus.nativeblas;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class OpenBlasTest {

    private static OpenBlas blasOrSkip() {
        assumeTrue(OpenBlas.instance().isPresent(), () -> "OpenBLAS unavailable: " + OpenBlas.unavailableReason());
        return OpenBlas.instance().orElseThrow();
    }

    @Test
    void reportsVersionAndCore() {
        OpenBlas blas = blasOrSkip();
        assertTrue(blas.config().startsWith("OpenBLAS"), blas.config());
        assertTrue(blas.version().matches("\\d+\\.\\d+\\.\\d+.*"), blas.version());
        assertFalse(blas.coreName().isBlank());
    }

    @Test
    void threadCountRoundTrips() {
        OpenBlas blas = blasOrSkip();
        int before = blas.numThreads();
        try {
            blas.setNumThreads(1);
            assertEquals(1, blas.numThreads());
        } finally {
            blas.setNumThreads(before);
        }
    }

    @Test
    void sgemmOnHeapArraysWithOffsetsAndTransposes() {
        OpenBlas blas = blasOrSkip();
        // A (transposed storage, after 1 padding float): A^T = [[1, 3], [2, 4]] so A = [[1, 2], [3, 4]].
        float[] a = {99, 1, 3, 2, 4};
        float[] b = {5, 6, 7, 8};          // [[5, 6], [7, 8]]
        float[] c = {-1, 10, 20, 30, 40};  // C from offset 1, beta = 0.5
        blas.sgemm(true, false, 2, 2, 2, 2f, a, 1, 2, b, 0, 2, 0.5f, c, 1, 2);
        // 2 * A B = 2 * [[19, 22], [43, 50]]; + 0.5 C
        assertArrayEquals(new float[]{-1, 43, 54, 101, 120}, c);
    }

    @Test
    void sgemvMatchesHandComputed() {
        OpenBlas blas = blasOrSkip();
        float[] a = {1, 2, 3, 4, 5, 6}; // [2, 3]
        float[] x = {1, 0, -1};
        float[] y = {0, 0};
        blas.sgemv(false, 2, 3, 1f, a, 0, 3, x, 0, 0f, y, 0);
        assertArrayEquals(new float[]{-2, -2}, y);
    }
}
