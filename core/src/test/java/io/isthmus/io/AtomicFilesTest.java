package io.isthmus.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AtomicFilesTest {

    @TempDir
    Path dir;

    @Test
    void createsThenReplacesLeavingNoTemporaryFiles() throws IOException {
        Path target = dir.resolve("ckpt.bin");
        AtomicFiles.write(target, new byte[]{1, 2, 3});
        assertArrayEquals(new byte[]{1, 2, 3}, Files.readAllBytes(target));
        AtomicFiles.write(target, new byte[]{9});
        assertArrayEquals(new byte[]{9}, Files.readAllBytes(target));
        assertEquals(List.of(target), listDir());
    }

    @Test
    void failingWriterLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        Path target = dir.resolve("ckpt.bin");
        Files.write(target, new byte[]{7, 7});
        var boom = new IOException("disk full");
        var thrown = assertThrows(IOException.class, () -> AtomicFiles.write(target, channel -> {
            channel.write(ByteBuffer.wrap(new byte[]{1, 2, 3, 4}));
            throw boom;
        }));
        assertSame(boom, thrown);
        assertArrayEquals(new byte[]{7, 7}, Files.readAllBytes(target));
        assertEquals(List.of(target), listDir());

        var unchecked = new IllegalStateException("bug in writer");
        assertSame(unchecked, assertThrows(IllegalStateException.class,
                () -> AtomicFiles.write(target, channel -> { throw unchecked; })));
        assertEquals(List.of(target), listDir());
    }

    @Test
    void missingDirectoryIsNamed() {
        Path target = dir.resolve("no/such/dir/ckpt.bin");
        var e = assertThrows(NoSuchFileException.class, () -> AtomicFiles.write(target, new byte[1]));
        assertTrue(e.getMessage().contains(dir.resolve("no/such/dir").toString()), e.getMessage());
    }

    private List<Path> listDir() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }
}
