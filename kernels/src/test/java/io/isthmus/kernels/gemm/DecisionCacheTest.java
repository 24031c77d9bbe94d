package io.isthmus.kernels.gemm;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DecisionCacheTest {

    private static final int XWT = ShapeClass.of(false, true, 128, 128, 784, 2);
    /** System.Logger "io.isthmus" goes to java.util.logging here; kept strongly so the handler stays. */
    private static final Logger JUL = Logger.getLogger("io.isthmus");

    private final List<LogRecord> logged = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLog() {
        JUL.addHandler(capture);
    }

    @AfterEach
    void releaseLog() {
        JUL.removeHandler(capture);
    }

    private static GemmDecision measured(int key, int m, int n, int k, boolean usesBlas) {
        return new GemmDecision(key, m, n, k, 180_000, 270_000, usesBlas, GemmDecision.Source.MEASURED);
    }

    @Test
    void keepsDecisionsForTheNextProcessOfTheSameMachine(@TempDir Path dir) throws IOException {
        DecisionCache writer = DecisionCache.in(dir, "cpu X; OPENBLAS_CORETYPE=Haswell");
        writer.record(measured(XWT, 128, 128, 784, false));
        int small = ShapeClass.of(false, true, 128, 10, 128, 2);
        writer.record(measured(small, 128, 10, 128, true));

        List<String> lines = Files.readAllLines(writer.file());
        assertTrue(lines.get(0).startsWith("#"), lines.toString());
        assertEquals("version " + DecisionCache.VERSION, lines.get(1));
        assertEquals("key cpu X; OPENBLAS_CORETYPE=Haswell", lines.get(2));
        assertEquals(XWT + " simd 128 128 784 180000 270000", lines.get(3));

        DecisionCache reader = DecisionCache.in(dir, "cpu X; OPENBLAS_CORETYPE=Haswell");
        GemmDecision read = reader.lookup(XWT);
        assertEquals(new GemmDecision(XWT, 128, 128, 784, 180_000, 270_000, false, GemmDecision.Source.CACHED), read);
        assertTrue(reader.lookup(small).usesBlas());
        assertEquals(2, reader.all().size());
        assertTrue(logged.isEmpty(), "a good file logs nothing");
    }

    @Test
    void anotherConfigurationGetsItsOwnFile(@TempDir Path dir) throws IOException {
        DecisionCache haswell = DecisionCache.in(dir, "cpu X; OPENBLAS_CORETYPE=Haswell");
        haswell.record(measured(XWT, 128, 128, 784, true));
        DecisionCache unset = DecisionCache.in(dir, "cpu X");
        assertNotEquals(haswell.file(), unset.file());
        assertNull(unset.lookup(XWT), "nothing measured under the other key is taken");
        unset.record(measured(XWT, 128, 128, 784, false));
        try (var files = Files.list(dir)) {
            assertEquals(2, files.filter(f -> f.toString().endsWith(".txt")).count());
        }
        assertTrue(DecisionCache.in(dir, "cpu X; OPENBLAS_CORETYPE=Haswell").lookup(XWT).usesBlas());
        assertFalse(DecisionCache.in(dir, "cpu X").lookup(XWT).usesBlas());
    }

    /** Each broken file: ignored as a whole with one INFO line naming the file and the reason, then replaced. */
    @Test
    void ignoresCorruptOrStaleFilesWithAClearMessageAndReplacesThem(@TempDir Path dir) throws IOException {
        Path file = DecisionCache.in(dir, "key").file();
        String header = "# comment\nversion " + DecisionCache.VERSION + "\nkey key\n";
        List<String[]> broken = new ArrayList<>(); // {reason the log line must give, file content}
        broken.add(new String[]{"not a text file", "\u0000\u0001 \u00ff\u00fe"});
        broken.add(new String[]{"not a decision file (no 'version' line)", "hello\n"});
        broken.add(new String[]{"not a decision file (no 'version' line)",
                "# isthmus auto GEMM decisions\nkey key\n" + XWT + " simd 128 128 784 1 2\n"}); // the unversioned format
        broken.add(new String[]{"written in version 1 of the format, this is " + DecisionCache.VERSION,
                "version 1\nkey key\n" + XWT + " simd 128 128 784 1 2\n"});
        broken.add(new String[]{"written for another machine or configuration (key another machine; this one is key key)",
                "version " + DecisionCache.VERSION + "\nkey another machine\n" + XWT + " simd 128 128 784 1 2\n"});
        broken.add(new String[]{"line 4 is malformed: '" + XWT + " simd 128 128'", header + XWT + " simd 128 128\n"});
        broken.add(new String[]{"line 4 is malformed: '" + XWT + " gpu 128 128 784 1 2'", header + XWT + " gpu 128 128 784 1 2\n"});
        broken.add(new String[]{"line 4 is malformed: '" + XWT + " simd 128 128 seven 1 2'", header + XWT + " simd 128 128 seven 1 2\n"});
        broken.add(new String[]{"line 4 is malformed: '-5 simd 128 128 784 1 2'", header + "-5 simd 128 128 784 1 2\n"});
        broken.add(new String[]{"line 4 is malformed: '" + XWT + " simd 4096 128 784 1 2'", header + XWT + " simd 4096 128 784 1 2\n"});
        broken.add(new String[]{"line 4 is malformed: '" + XWT + " simd 128 128 784 -1 2'", header + XWT + " simd 128 128 784 -1 2\n"});
        broken.add(new String[]{"not a decision file (no 'version' line)", ""});
        for (String[] entry : broken) {
            String reason = entry[0];
            String content = entry[1];
            Files.write(file, content.getBytes(StandardCharsets.ISO_8859_1));
            logged.clear();
            DecisionCache cache = DecisionCache.in(dir, "key");
            assertNull(cache.lookup(XWT), content);
            assertTrue(cache.all().isEmpty(), content);
            assertEquals(1, logged.size(), content);
            LogRecord line = logged.get(0);
            assertEquals(Level.INFO, line.getLevel());
            String message = line.getMessage();
            assertTrue(message.contains(file.toString()), message);
            assertTrue(message.contains(reason), "expected '" + reason + "' in: " + message);
            assertTrue(message.contains("measured again"), message);

            cache.record(measured(XWT, 128, 128, 784, true));
            assertTrue(DecisionCache.in(dir, "key").lookup(XWT).usesBlas(), "rewritten after: " + content);
        }
    }

    @Test
    void twoProcessesWritingTheSameFileKeepBothTheirDecisions(@TempDir Path dir) {
        DecisionCache first = DecisionCache.in(dir, "key");
        DecisionCache second = DecisionCache.in(dir, "key"); // loaded before the first one wrote
        int small = ShapeClass.of(false, true, 128, 10, 128, 2);
        first.record(measured(XWT, 128, 128, 784, false));
        second.record(measured(small, 128, 10, 128, true));
        DecisionCache reread = DecisionCache.in(dir, "key");
        assertEquals(2, reread.all().size());
        assertFalse(reread.lookup(XWT).usesBlas());
        assertTrue(reread.lookup(small).usesBlas());
    }

    @Test
    void aDirectoryThatCannotBeWrittenIsNotAnError(@TempDir Path dir) throws IOException {
        Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");
        DecisionCache cache = DecisionCache.in(notADirectory, "key");
        cache.record(measured(XWT, 128, 128, 784, true));
        cache.record(measured(XWT + 1, 128, 128, 1023, true));
        assertTrue(cache.lookup(XWT).usesBlas(), "kept in memory for this process");
        assertEquals(1, logged.size(), "one warning, not one per decision");
        assertEquals(Level.WARNING, logged.get(0).getLevel());
        assertTrue(logged.get(0).getMessage().contains("cannot write the GEMM decision file"), logged.get(0).getMessage());
    }

    @Test
    void noneKeepsNothing() {
        DecisionCache none = DecisionCache.none();
        none.record(measured(XWT, 128, 128, 784, true));
        assertNull(none.lookup(XWT));
        assertNull(none.file());
    }
}
