package io.isthmus.kernels;

import io.isthmus.kernels.elementwise.ScalarElementwise;
import io.isthmus.nativeblas.OpenBlas;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KernelsTest {

    @Test
    void parsesBackendsAndNamesTheBadOne() {
        assertEquals(Backend.SIMD, Backend.parse(" Simd "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backend.parse("gpu"));
        assertTrue(e.getMessage().contains("gpu") && e.getMessage().contains("reference, simd, blas, auto"), e.getMessage());
    }

    @Test
    void describesWhatWasChosen() {
        String line = Kernels.describe();
        assertTrue(line.startsWith("isthmus: "), line);
        assertTrue(line.contains(Kernels.simd().isPresent() ? "SIMD" : "no SIMD"), line);
        assertTrue(line.contains(OpenBlas.instance().isPresent() ? "OpenBLAS" : "no OpenBLAS"), line);
        assertTrue(line.contains("backend " + Kernels.backend().label()), line);
    }

    @Test
    void forcingAnUnavailableBackendFailsWithTheReason() {
        if (OpenBlas.instance().isEmpty()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Kernels.gemm(Backend.BLAS));
            assertTrue(e.getMessage().contains(OpenBlas.unavailableReason()), e.getMessage());
        } else {
            assertEquals("blas", Kernels.gemm(Backend.BLAS).name());
        }
        if (Kernels.simd().isEmpty()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Kernels.gemm(Backend.SIMD));
            assertTrue(e.getMessage().contains(Kernels.simdUnavailableReason()), e.getMessage());
        } else {
            assertEquals("simd", Kernels.gemm(Backend.SIMD).name());
        }
    }

    @Test
    void theConfiguredBackendIsTheOneThatRuns() {
        String forced = System.getProperty(Backend.PROPERTY);
        if ("reference".equals(forced)) {
            assertEquals("reference", Kernels.gemm().name());
            assertEquals("scalar", Kernels.elementwise().name());
        } else if (Kernels.simd().isPresent()) {
            assertEquals("simd", Kernels.elementwise().name());
        } else {
            assertEquals("scalar", Kernels.elementwise().name());
        }
    }

    @Test
    void warmUpReturnsAndTheKernelsStillAgreeWithTheScalarOnes() {
        Kernels.warmUp();
        float[] x = {1.5f, -2f, 3.25f, 0f, -0.5f, 7f, 8f, -9f, 10f, 11f, 12f, 13f, 14f, 15f, 16f, 17f, 18f};
        float[] expected = new float[x.length];
        float[] actual = new float[x.length];
        new ScalarElementwise().relu(x, 0, expected, 0, x.length);
        for (int call = 0; call < 3; call++) {
            Kernels.elementwise().relu(x, 0, actual, 0, x.length);
            assertArrayEquals(expected, actual, "call " + call);
        }
    }
}
