package io.isthmus.nativeblas;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpenBlasLoaderTest {

    @Test
    void explicitMissingPathIsReportedWithThePath() {
        String before = System.getProperty(OpenBlasLoader.PROPERTY);
        System.setProperty(OpenBlasLoader.PROPERTY, "/nonexistent/libopenblas.so");
        try {
            OpenBlas.Loaded loaded = OpenBlasLoader.load();
            assertNull(loaded.blas());
            assertTrue(loaded.reason().contains("/nonexistent/libopenblas.so"), loaded.reason());
            assertTrue(loaded.reason().contains("does not exist"), loaded.reason());
        } finally {
            if (before == null) {
                System.clearProperty(OpenBlasLoader.PROPERTY);
            } else {
                System.setProperty(OpenBlasLoader.PROPERTY, before);
            }
        }
    }
}
