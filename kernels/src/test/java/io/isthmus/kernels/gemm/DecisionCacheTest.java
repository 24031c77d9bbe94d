package io.isthmus.kernels.gemm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DecisionCacheTest {

    private static final int XWT = ShapeClass.of(false, true, 128, 128, 784, 2);

    private static GemmDecision measured(int key, int m, int n, int k, boolean usesBlas) {
        return new GemmDecision(key, m, n, k, 180_000, 270_000, usesBlas, GemmDecision.Source.MEASURED);
    }

    @Test
    void keepsDecisionsForTheNextProcessOfTheSameMachine(@TempDir Path dir) {
        DecisionCache writer = DecisionCache.in(dir, "cpu X; OPENBLAS_CORETYPE=Haswell");
        writer.record(measured(XWT, 128, 128, 784, false));
        int small = ShapeClass.of(false, true, 128, 10, 128, 2);
        writer.record(measured(small, 128, 10, 128, true));

        DecisionCache reader = DecisionCache.in(dir, "cpu X; OPENBLAS_CORETYPE=Haswell");
        GemmDecision read = reader.lookup(XWT);
        assertEquals(new GemmDecision(XWT, 128, 128, 784, 180_000, 270_000, false, GemmDecision.Source.CACHED), read);
        assertTrue(reader.lookup(small).usesBlas());
        assertEquals(2, reader.all().size());
    }

    @Test
    void anotherConfigurationGetsItsOwnFile(@TempDir Path dir) throws IOException {
        DecisionCache.in(dir, "cpu X; OPENBLAS_CORETYPE=Haswell").record(measured(XWT, 128, 128, 784, true));
        DecisionCache unset = DecisionCache.in(dir, "cpu X");
        assertNull(unset.lookup(XWT));
        unset.record(measured(XWT, 128, 128, 784, false));
        try (var files = Files.list(dir)) {
            assertEquals(2, files.filter(f -> f.toString().endsWith(".txt")).count());
        }
        assertTrue(DecisionCache.in(dir, "cpu X; OPENBLAS_CORETYPE=Haswell").lookup(XWT).usesBlas());
        assertTrue(!DecisionCache.in(dir, "cpu X").lookup(XWT).usesBlas());
    }

    @Test
    void ignoresCorruptOrStaleFilesAndReplacesThem(@TempDir Path dir) throws IOException {
        Path file = DecisionCache.in(dir, "key").file();
        String header = "# comment\nkey key\n";
        List<String> broken = List.of(
                "\u0000\u0001 not a decision file",
                "# comment\nkey another machine\n" + XWT + " simd 128 128 784 1 2\n",
                header + XWT + " simd 128 128\n",
                header + XWT + " gpu 128 128 784 1 2\n",
                header + XWT + " simd 128 128 seven 1 2\n",
                header + "-5 simd 128 128 784 1 2\n",
                header + XWT + " simd 4096 128 784 1 2\n", // the shape is not in that class
                "");
        for (String content : broken) {
            Files.writeString(file, content, StandardCharsets.UTF_8);
            DecisionCache cache = DecisionCache.in(dir, "key");
            assertNull(cache.lookup(XWT), content);
            assertTrue(cache.all().isEmpty(), content);
            cache.record(measured(XWT, 128, 128, 784, true));
            assertTrue(DecisionCache.in(dir, "key").lookup(XWT).usesBlas(), "rewritten after: " + content);
        }
    }

    @Test
    void aDirectoryThatCannotBeWrittenIsNotAnError(@TempDir Path dir) throws IOException {
        Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");
        DecisionCache cache = DecisionCache.in(notADirectory, "key");
        cache.record(measured(XWT, 128, 128, 784, true));
        cache.record(measured(XWT + 1, 128, 128, 1023, true));
        assertTrue(cache.lookup(XWT).usesBlas(), "kept in memory for this process");
    }

    @Test
    void noneKeepsNothing() {
        DecisionCache none = DecisionCache.none();
        none.record(measured(XWT, 128, 128, 784, true));
        assertNull(none.lookup(XWT));
        assertNull(none.file());
    }
}
