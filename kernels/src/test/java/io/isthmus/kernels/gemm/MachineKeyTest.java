package io.isthmus.kernels.gemm;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A key changes with everything a timing depends on, and only with that: a changed environment re-measures. */
class MachineKeyTest {

    private static final String CONFIG = "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64";

    private static String key(String cpu, int processors, String jvm, int bits, String config, String core,
                              Map<String, String> env) {
        return MachineKey.of(cpu, processors, jvm, bits, config, core, env);
    }

    private static String base(Map<String, String> env) {
        return key("AMD EPYC / 26 / 2 / 1", 2, "OpenJDK 64-Bit Server VM 25+36", 512, CONFIG, "Haswell", env);
    }

    @Test
    void theOpenBlasEnvironmentIsPartOfTheKey() {
        String unset = base(Map.of("PATH", "/usr/bin"));
        String haswell = base(Map.of("PATH", "/usr/bin", "OPENBLAS_CORETYPE", "Haswell"));
        assertNotEquals(unset, haswell);
        assertTrue(haswell.contains("OPENBLAS_CORETYPE=Haswell"), haswell);
        assertNotEquals(haswell, base(Map.of("OPENBLAS_CORETYPE", "SkylakeX")));
        assertNotEquals(haswell, base(Map.of("OPENBLAS_CORETYPE", "Haswell", "OPENBLAS_L2_SIZE", "512")));
        assertNotEquals(unset, base(Map.of("GOTO_THREAD_TIMEOUT", "4")));
        // Unrelated variables do not re-measure.
        assertEquals(unset, base(Map.of("PATH", "/somewhere/else", "HOME", "/root")));
        assertEquals(unset, base(Map.of()));
        // The order variables come in does not matter.
        assertEquals(base(Map.of("OPENBLAS_A", "1", "OPENBLAS_B", "2")), base(Map.of("OPENBLAS_B", "2", "OPENBLAS_A", "1")));
    }

    @Test
    void everyPartChangesTheKey() {
        String reference = base(Map.of());
        Map<String, String> none = Map.of();
        assertNotEquals(reference, key("Intel Xeon / 6 / 143 / 8", 2, "OpenJDK 64-Bit Server VM 25+36", 512, CONFIG, "Haswell", none));
        assertNotEquals(reference, key("AMD EPYC / 26 / 2 / 1", 4, "OpenJDK 64-Bit Server VM 25+36", 512, CONFIG, "Haswell", none));
        assertNotEquals(reference, key("AMD EPYC / 26 / 2 / 1", 2, "OpenJDK 64-Bit Server VM 26+1", 512, CONFIG, "Haswell", none));
        assertNotEquals(reference, key("AMD EPYC / 26 / 2 / 1", 2, "OpenJDK 64-Bit Server VM 25+36", 256, CONFIG, "Haswell", none));
        assertNotEquals(reference, key("AMD EPYC / 26 / 2 / 1", 2, "OpenJDK 64-Bit Server VM 25+36", 512,
                CONFIG.replace("0.3.21", "0.3.26"), "Haswell", none));
        assertNotEquals(reference, key("AMD EPYC / 26 / 2 / 1", 2, "OpenJDK 64-Bit Server VM 25+36", 512, CONFIG, "SkylakeX", none));
    }

    @Test
    void theKeyIsOneLine() {
        String key = key("cpu\nwith a newline", 2, "jvm\r", 512, "config", "core", Map.of("OPENBLAS_X", "a\nb"));
        assertFalse(key.contains("\n") || key.contains("\r"), key);
    }

    @Test
    void thisMachinesKeyNamesItsCpu() {
        String key = MachineKey.of(512, CONFIG, "Haswell");
        assertTrue(key.startsWith("cpu=" + MachineKey.cpu() + ";"), key);
        assertFalse(MachineKey.cpu().isBlank());
    }
}
