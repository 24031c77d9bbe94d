package io.isthmus.kernels.gemm;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link AutoGemm}'s settled decisions kept across processes, so that a machine measures each
 * shape class once and later runs (a resumed training too) make the same choices from their
 * first call. One small text file per {@link MachineKey} in {@code ~/.cache/isthmus} (or
 * {@code $XDG_CACHE_HOME/isthmus}; {@code -Disthmus.gemm.cache=DIR} elsewhere, {@code =none} for
 * no file), named after the key's hash; a changed CPU, JVM, OpenBLAS build or core, or
 * {@code OPENBLAS_*} setting gives another key, so another file, measured afresh.
 *
 * <p>A file that cannot be read, is not in this {@link #VERSION} of the format, was written under
 * another key or has a malformed line is ignored as a whole, with one log line (INFO) saying
 * which file and why; its classes are measured again and the file is replaced at the next
 * settled decision. Failing to write is logged once (WARNING); decisions then hold for this
 * process only.
 *
 * <p>Format (UTF-8 lines): comment lines start with {@code #}; then {@code version 2};
 * {@code key <machine key>}; one line per class:
 * {@code <class> <simd|blas> <m> <n> <k> <simd ns> <blas ns>}.
 */
final class DecisionCache {

    static final String PROPERTY = "isthmus.gemm.cache";
    /** Bumped when the format or the meaning of a decision changes: older files are then measured again. */
    static final int VERSION = 2;
    private static final System.Logger LOG = System.getLogger("io.isthmus");
    private static final String HEADER =
            "# isthmus auto GEMM decisions, settled on this machine; delete the file to measure again";

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

    /**
     * Keeps a settled decision and rewrites the file, atomically (a reader sees the old or the new
     * one), with what another process has written to it meanwhile (this process's decisions win).
     */
    synchronized void record(GemmDecision decision) {
        if (file == null) {
            return;
        }
        decisions.put(decision.shapeClass(), decision);
        if (writeFailed) {
            return;
        }
        try {
            if (Files.exists(file)) {
                try {
                    parse(Files.readAllLines(file, StandardCharsets.UTF_8)).forEach(decisions::putIfAbsent);
                } catch (IOException | IllegalArgumentException e) {
                    // Unreadable now: replaced below (the reason was logged when it was loaded, if it was then).
                }
            }
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
        lines.add("version " + VERSION);
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
            decisions.putAll(parse(Files.readAllLines(file, StandardCharsets.UTF_8)));
        } catch (CharacterCodingException e) {
            ignore("not a text file (" + e + ")");
        } catch (IOException e) {
            ignore("it cannot be read (" + e + ")");
        } catch (IllegalArgumentException e) {
            ignore(e.getMessage());
        }
    }

    private void ignore(String why) {
        LOG.log(System.Logger.Level.INFO, "isthmus: ignoring the GEMM decision file " + file + ": " + why
                + "; its shapes will be measured again and the file replaced");
    }

    /** The decisions of a file's lines; IllegalArgumentException saying what is wrong. */
    private Map<Integer, GemmDecision> parse(List<String> lines) {
        List<String> content = new ArrayList<>();
        List<Integer> lineNumbers = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).startsWith("#")) {
                content.add(lines.get(i).trim());
                lineNumbers.add(i + 1);
            }
        }
        if (content.isEmpty() || !content.get(0).matches("version \\d{1,9}")) {
            throw new IllegalArgumentException("not a decision file (no 'version' line)");
        }
        int version = Integer.parseInt(content.get(0).substring("version ".length()));
        if (version != VERSION) {
            throw new IllegalArgumentException("written in version " + version + " of the format, this is " + VERSION);
        }
        if (content.size() < 2 || !content.get(1).equals("key " + machineKey)) {
            throw new IllegalArgumentException("written for another machine or configuration ("
                    + (content.size() < 2 ? "no key" : content.get(1)) + "; this one is key " + machineKey + ")");
        }
        Map<Integer, GemmDecision> read = new LinkedHashMap<>();
        for (int i = 2; i < content.size(); i++) {
            GemmDecision decision = parseDecision(content.get(i));
            if (decision == null) {
                throw new IllegalArgumentException("line " + lineNumbers.get(i) + " is malformed: '"
                        + content.get(i) + "'");
            }
            read.put(decision.shapeClass(), decision);
        }
        return read;
    }

    /** One class's line, or null when it is not one. */
    private static GemmDecision parseDecision(String line) {
        String[] f = line.split(" ");
        if (f.length != 7 || !(f[1].equals("simd") || f[1].equals("blas"))) {
            return null;
        }
        try {
            int key = Integer.parseInt(f[0]);
            int m = Integer.parseInt(f[2]);
            int n = Integer.parseInt(f[3]);
            int k = Integer.parseInt(f[4]);
            long simdNanos = Long.parseLong(f[5]);
            long blasNanos = Long.parseLong(f[6]);
            boolean transA = ShapeClass.transA(key);
            boolean transB = ShapeClass.transB(key);
            // The shape must fall in the class (the thread bucket aside, which the shape cannot tell).
            boolean inClass = ShapeClass.isValid(key) && m >= 1 && n >= 1 && k >= 1
                    && ShapeClass.of(transA, transB, m, n, k, 1) == (key & ~(7 << 15));
            if (!inClass || simdNanos < 0 || blasNanos < 0) {
                return null;
            }
            return new GemmDecision(key, m, n, k, simdNanos, blasNanos, f[1].equals("blas"),
                    GemmDecision.Source.CACHED);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
