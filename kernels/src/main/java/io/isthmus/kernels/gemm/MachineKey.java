package io.isthmus.kernels.gemm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * One line naming everything a GEMM timing depends on besides the shape and the thread count
 * (which is part of each {@link ShapeClass}): the CPU (model name, family, model and stepping),
 * its logical processors, the JVM, the SIMD width, the OpenBLAS build ({@code openblas_get_config()})
 * and the core it runs ({@code openblas_get_corename()}), and every {@code OPENBLAS_*} and
 * {@code GOTO_*} environment variable (such as {@code OPENBLAS_CORETYPE}, which picks OpenBLAS's
 * kernels, or {@code OPENBLAS_L2_SIZE}). Decisions measured under another key are not reused: the
 * {@link DecisionCache} keeps one file per key.
 */
final class MachineKey {

    private static final List<String> CPU_FIELDS = List.of("model name", "cpu family", "model", "stepping");

    private MachineKey() {
    }

    /**
     * The key of this machine and process.
     *
     * @param simdBits   vector width of the SIMD GEMM
     * @param blasConfig {@code openblas_get_config()}
     * @param blasCore   {@code openblas_get_corename()}
     */
    static String of(int simdBits, String blasConfig, String blasCore) {
        return of(cpu(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"),
                simdBits, blasConfig, blasCore, System.getenv());
    }

    /** The key from its parts; of {@code environment}, only the OpenBLAS variables count. */
    static String of(String cpu, int processors, String jvm, int simdBits, String blasConfig, String blasCore,
                     Map<String, String> environment) {
        Map<String, String> openBlasEnv = new TreeMap<>();
        environment.forEach((name, value) -> {
            if (name.startsWith("OPENBLAS_") || name.startsWith("GOTO_")) {
                openBlasEnv.put(name, value);
            }
        });
        String line = "cpu=" + cpu + "; processors=" + processors + "; jvm=" + jvm + "; simd=" + simdBits
                + "; openblas=" + blasConfig + " core " + blasCore + "; env=" + openBlasEnv;
        return line.replaceAll("[\\r\\n]", " ");
    }

    /** The first processor's model name, family, model and stepping in /proc/cpuinfo, else os.arch (other systems). */
    static String cpu() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.isReadable(cpuinfo)) {
            try (Stream<String> lines = Files.lines(cpuinfo)) {
                Map<String, String> fields = new LinkedHashMap<>();
                lines.takeWhile(l -> !l.isBlank()).forEach(l -> {
                    int colon = l.indexOf(':');
                    String name = colon < 0 ? "" : l.substring(0, colon).trim();
                    if (CPU_FIELDS.contains(name)) {
                        fields.putIfAbsent(name, l.substring(colon + 1).trim());
                    }
                });
                if (!fields.isEmpty()) {
                    return String.join(" / ", fields.values());
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                // Fall through: the architecture alone still separates most machines.
            }
        }
        return System.getProperty("os.arch");
    }
}
