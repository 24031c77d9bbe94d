package io.isthmus.kernels;

import io.isthmus.nativeblas.OpenBlas;
import org.junit.jupiter.api.Test;

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
}
