package io.isthmus.kernels.gemm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link AutoGemm}'s measured decisions kept across processes, so a machine measures each shape
 * class once and every later run (a resumed training too) makes the same choices from its first
 * call. One small text file per {@link MachineKey} in {@code ~/.cache/isthmus} (or
 * {@code $XDG_CACHE_HOME/isthmus}; {@code -Disthmus.gemm.cache=DIR} elsewhere, {@code =none} for
 * no file). A file that cannot be read or parsed, or that was written under another key, is
 * ignored with one log line and replaced at the next measurement; failing to write is logged once.
 *
 * <p>Format: a comment, {@code key <machine key>}, then one line per class:
 * {@code <class> <simd|blas> <m> <n> <k> <simd ns> <blas ns>}.
 */
final class DecisionCache {

    static final String PROPERTY = "isthmus.gemm.cache";
    private static final System.Logger LOG = System.getLogger("io.isthmus");
    private static final String HEADER = "# isthmus auto GEMM decisions, measured on this machine; delete to measure again";

    private final Path file;
    private final String machineKey;
    private final Map<Integer, GemmDecision> decisions = new LinkedHashMap<>();
    private boolean writeFailed;

    private DecisionCache(Path file, String machineKey) {
        this.file = file;
        this.machineKey = machineKey;
    }

    /** A cache that keeps nothing. */
    static DecisionCache none() {
        return new DecisionCache(null, "");
    }

    /** The cache file for {@code machineKey} in {@code directory}, loaded if it is there and valid. */
    static DecisionCache in(Path directory, String machineKey) {
        String name = "gemm-" + String.format("%08x", machineKey.hashCode()) + ".txt";
        DecisionCache cache = new DecisionCache(directory.resolve(name), machineKey);
        cache.load();
        return cache;
    }

    /** The cache the system properties ask for (see the class comment). */
    static DecisionCache configured(String machineKey) {
        String setting = System.getProperty(PROPERTY, "").trim();
        if (setting.equals("none")) {
            return none();
        }
        if (!setting.isEmpty()) {
            return in(Path.of(setting), machineKey);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return in(base.resolve("isthmus"), machineKey);
    }

    /** The file decisions go to, or null when none is kept. */
    Path file() {
        return file;
    }

    synchronized GemmDecision lookup(int shapeClass) {
        return decisions.get(shapeClass);
    }

    synchronized List<GemmDecision> all() {
        return new ArrayList<>(decisions.values());
    }

    /** Keeps a measured decision and rewrites the file (atomically: a reader sees the old or the new one). */
    synchronized void record(GemmDecision decision) {
        if (file == null) {
            return;
        }
        decisions.put(decision.shapeClass(), decision);
        if (writeFailed) {
            return;
        }
        try {
            Files.createDirectories(file.getParent());
            Path temporary = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
            Files.write(temporary, lines(), StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            writeFailed = true;
            LOG.log(System.Logger.Level.WARNING, "isthmus: cannot write the GEMM decision file " + file + " (" + e
                    + "); decisions are measured again in every process");
        }
    }

    private List<String> lines() {
        List<String> lines = new ArrayList<>();
        lines.add(HEADER);
        lines.add("key " + machineKey);
        for (GemmDecision d : decisions.values()) {
            lines.add(d.shapeClass() + " " + d.backend() + " " + d.m() + " " + d.n() + " " + d.k() + " "
                    + d.simdNanos() + " " + d.blasNanos());
        }
        return lines;
    }

    private void load() {
        if (!Files.exists(file)) {
            return;
        }
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            Map<Integer, GemmDecision> read = parse(lines);
            decisions.putAll(read);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.INFO, "isthmus: ignoring the GEMM decision file " + file + " ("
                    + (e.getMessage() != null ? e.getMessage() : e.toString()) + "); shapes will be measured again");
        }
    }

    private Map<Integer, GemmDecision> parse(List<String> lines) {
        if (lines.size() < 2 || !lines.get(1).equals("key " + machineKey)) {
            throw new IllegalArgumentException("written for another machine or configuration");
        }
        Map<Integer, GemmDecision> read = new LinkedHashMap<>();
        for (int i = 2; i < lines.size(); i++) {
            String[] f = lines.get(i).trim().split(" ");
            if (f.length != 7 || !(f[1].equals("simd") || f[1].equals("blas"))) {
                throw new IllegalArgumentException("line " + (i + 1) + " is malformed");
            }
            int key = Integer.parseInt(f[0]);
            int m = Integer.parseInt(f[2]);
            int n = Integer.parseInt(f[3]);
            int k = Integer.parseInt(f[4]);
            if (!ShapeClass.isValid(key) || m < 1 || n < 1 || k < 1
                    || ShapeClass.of((key >>> 19 & 1) == 1, (key >>> 18 & 1) == 1, m, n, k, 1) != (key & ~(7 << 15))) {
                throw new IllegalArgumentException("line " + (i + 1) + " names a shape outside its class");
            }
            read.put(key, new GemmDecision(key, m, n, k, Long.parseLong(f[5]), Long.parseLong(f[6]),
                    f[1].equals("blas"), GemmDecision.Source.CACHED));
        }
        return read;
    }
}
