package io.isthmus.kernels.gemm;

import io.isthmus.kernels.Kernels;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad sgemm arguments fail at the API boundary with a message that names the offending values. */
class GemmArgsTest {

    private static void expect(Runnable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment),
                    () -> "message \"" + e.getMessage() + "\" should name " + fragment);
        }
    }

    @Test
    void negativeSizesAreNamed() {
        Gemm gemm = Kernels.gemm();
        float[] x = new float[16];
        expect(() -> gemm.sgemm(false, false, -1, 2, 2, 1f, x, 0, 2, x, 0, 2, 0f, x, 0, 2), "m=-1", "n=2", "k=2");
        expect(() -> gemm.sgemm(false, false, 2, 2, -3, 1f, x, 0, 2, x, 0, 2, 0f, x, 0, 2), "k=-3");
    }

    @Test
    void leadingDimensionSmallerThanTheRowIsNamed() {
        Gemm gemm = Kernels.gemm();
        float[] x = new float[64];
        // A is [3, 4]: lda must be at least 4.
        expect(() -> gemm.sgemm(false, false, 3, 2, 4, 1f, x, 0, 3, x, 0, 2, 0f, x, 0, 2), "lda=3", "4");
        // B transposed is stored [2, 4]: ldb must be at least 4.
        expect(() -> gemm.sgemm(false, true, 3, 2, 4, 1f, x, 0, 4, x, 0, 2, 0f, x, 0, 2), "ldb=2", "4");
        expect(() -> gemm.sgemm(false, false, 3, 5, 4, 1f, x, 0, 4, x, 0, 5, 0f, x, 0, 4), "ldc=4", "5");
    }

    @Test
    void arrayTooShortIsNamed() {
        Gemm gemm = Kernels.gemm();
        float[] small = new float[10];
        float[] big = new float[100];
        // A [4, 3] from offset 2 needs 2 + 3 * 3 + 3 = 14 elements.
        expect(() -> gemm.sgemm(false, false, 4, 2, 3, 1f, small, 2, 3, big, 0, 2, 0f, big, 0, 2),
                "A", "14", "10");
        expect(() -> gemm.sgemm(false, false, 4, 5, 3, 1f, big, 0, 3, big, 0, 5, 0f, small, 0, 5),
                "C", "20", "10");
    }

    @Test
    void aPreparedBIsCheckedLikeAPlainOne() {
        Gemm gemm = Kernels.gemm();
        float[] small = new float[10];
        float[] big = new float[100];
        // B [3, 5] needs 15 elements; A [4, 3] is fine.
        PreparedB tooShort = new PreparedB(false, 3, 5, small, 0, 5);
        expect(() -> gemm.sgemm(false, 4, 1f, big, 0, 3, tooShort, 0f, big, 0, 5), "B", "15", "10");
        PreparedB narrowLd = new PreparedB(true, 4, 2, big, 0, 3);
        expect(() -> gemm.sgemm(false, 3, 1f, big, 0, 4, narrowLd, 0f, big, 0, 2), "ldb=3", "4");
    }

    @Test
    void negativeOffsetIsNamed() {
        Gemm gemm = Kernels.gemm();
        float[] x = new float[64];
        expect(() -> gemm.sgemm(false, false, 2, 2, 2, 1f, x, -1, 2, x, 0, 2, 0f, x, 0, 2), "-1", "A");
    }
}
