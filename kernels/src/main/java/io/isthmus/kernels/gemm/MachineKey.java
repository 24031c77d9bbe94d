package io.isthmus.kernels.gemm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * One line naming everything a GEMM timing depends on besides the shape: CPU model, JVM, the SIMD
 * width, the OpenBLAS build and core, and every {@code OPENBLAS_*} environment variable (such as
 * {@code OPENBLAS_CORETYPE}, which picks OpenBLAS's kernels). Decisions measured under another
 * key are not reused.
 */
final class MachineKey {

    private MachineKey() {
    }

    /**
     * @param simdBits   vector width of the SIMD GEMM
     * @param blasConfig {@code openblas_get_config()}
     * @param blasCore   {@code openblas_get_corename()}
     */
    static String of(int simdBits, String blasConfig, String blasCore) {
        Map<String, String> openBlasEnv = new TreeMap<>();
        System.getenv().forEach((name, value) -> {
            if (name.startsWith("OPENBLAS_")) {
                openBlasEnv.put(name, value);
            }
        });
        String line = "cpu=" + cpuModel() + "; cores=" + Runtime.getRuntime().availableProcessors()
                + "; jvm=" + System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version")
                + "; simd=" + simdBits + "; openblas=" + blasConfig + " core " + blasCore + "; env=" + openBlasEnv;
        return line.replaceAll("[\\r\\n]", " ");
    }

    /** The "model name" of /proc/cpuinfo, else os.arch (other systems). */
    static String cpuModel() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.isReadable(cpuinfo)) {
            try (Stream<String> lines = Files.lines(cpuinfo)) {
                return lines.filter(l -> l.startsWith("model name"))
                        .map(l -> l.substring(l.indexOf(':') + 1).trim())
                        .findFirst().orElse(System.getProperty("os.arch"));
            } catch (IOException | java.io.UncheckedIOException e) {
                // Fall through: the architecture alone still separates most machines.
            }
        }
        return System.getProperty("os.arch");
    }
}
