package io.isthmus.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** IDX parsing on crafted files, raw and gzip; the real data sets are in {@link MnistFormatTest}. */
class IdxTest {

    @TempDir
    Path dir;

    @Test
    void readsRawAndGzipAlikeDetectingGzipByContent() throws IOException {
        byte[] pixels = new byte[3 * 2 * 4];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 11);
        }
        byte[] idx = idx(Idx.IMAGES_MAGIC, new int[]{3, 2, 4}, pixels);
        // Names lie on purpose: detection must look at the bytes.
        Path raw = write("raw.gz", idx);
        Path gz = write("compressed-without-suffix", gzip(idx));
        for (Path file : new Path[]{raw, gz}) {
            IdxImages images = Idx.readImages(file);
            assertEquals(3, images.count());
            assertEquals(2, images.rows());
            assertEquals(4, images.cols());
            assertArrayEquals(pixels, images.pixels());
            assertEquals(13 * 11, images.pixel(1, 1, 1)); // flat index (1 * 2 + 1) * 4 + 1 = 13
            float[] f = images.toFloats();
            assertEquals(0f, f[0]);
            assertEquals((pixels[23] & 0xFF) / 255f, f[23]);
            for (float v : f) {
                assertTrue(v >= 0 && v <= 1, "scaled pixel " + v);
            }
        }
    }

    @Test
    void readsLabels() throws IOException {
        byte[] labels = {5, 0, 4, 1, (byte) 200};
        Path file = write("labels", gzip(idx(Idx.LABELS_MAGIC, new int[]{5}, labels)));
        IdxLabels read = Idx.readLabels(file);
        assertEquals(5, read.count());
        assertEquals(200, read.label(4));
        assertArrayEquals(new int[]{5, 0, 4, 1, 200}, read.toIndices());
        assertArrayEquals(new float[]{5, 0, 4, 1, 200}, read.toFloats());
    }

    @Test
    void badMagicRawAndGzip() throws IOException {
        byte[] labelsFile = idx(Idx.LABELS_MAGIC, new int[]{2}, new byte[2]);
        for (boolean compress : new boolean[]{false, true}) {
            Path file = write(compress ? "train-images-idx3-ubyte.gz" : "train-images-idx3-ubyte",
                    compress ? gzip(labelsFile) : labelsFile);
            var e = assertThrows(IdxFormatException.class, () -> Idx.readImages(file));
            assertMessage(e, file.getFileName() + ": bad magic 0x00000801, expected 0x00000803 (images); this is a labels file");
        }
        Path floats = write("floats", idx(0x00000D03, new int[]{1, 1, 1}, new byte[4]));
        assertMessage(assertThrows(IdxFormatException.class, () -> Idx.readImages(floats)),
                "bad magic 0x00000D03, expected 0x00000803 (images); element type 0x0D is not unsigned byte (0x08)");
        Path text = write("text", "hello world, not idx".getBytes());
        assertMessage(assertThrows(IdxFormatException.class, () -> Idx.readLabels(text)),
                "bad magic 0x68656C6C, expected 0x00000801 (labels)");
    }

    @Test
    void truncatedDataRawAndGzip() throws IOException {
        byte[] full = idx(Idx.IMAGES_MAGIC, new int[]{60000, 28, 28}, new byte[1234]);
        Path raw = write("raw", full);
        assertMessage(assertThrows(IdxFormatException.class, () -> Idx.readImages(raw)),
                "raw: truncated: header says 60000x28x28 = 47040000 bytes, file has 1234 after the 16-byte header");
        Path gz = write("gz", gzip(full));
        assertMessage(assertThrows(IdxFormatException.class, () -> Idx.readImages(gz)),
                "gz: truncated: header says 60000x28x28 = 47040000 bytes, file has 1234 (decompressed) after the 16-byte header");
    }

    @Test
    void truncatedHeaderAndEmptyFile() throws IOException {
        Path header = write("header", Arrays.copyOf(idx(Idx.IMAGES_MAGIC, new int[]{1, 1, 1}, new byte[1]), 10));
        assertMessage(assertThrows(IdxFormatException.class, () -> Idx.readImages(header)),
                "truncated: file ends inside the 16-byte header");
        Path empty = write("empty", new byte[0]);
        assertMessage(assertThrows(IdxFormatException.class, () -> Idx.readLabels(empty)),
                "truncated: file ends before the 4-byte magic number");
    }

    @Test
    void cutGzipStreamIsReported() throws IOException {
        byte[] random = new byte[50_000];
        new java.util.Random(3).nextBytes(random); // incompressible, so cutting the .gz cuts the data
        byte[] gz = gzip(idx(Idx.IMAGES_MAGIC, new int[]{50, 100, 10}, random));
        Path cut = write("cut.gz", Arrays.copyOf(gz, gz.length / 2));
        var e = assertThrows(IdxFormatException.class, () -> Idx.readImages(cut));
        assertMessage(e, "cut.gz: truncated gzip data");
    }

    @Test
    void corruptGzipIsReported() throws IOException {
        byte[] gz = gzip(idx(Idx.LABELS_MAGIC, new int[]{1000}, new byte[1000]));
        gz[12] ^= (byte) 0xFF; // inside the deflate stream
        Path bad = write("bad.gz", gz);
        var e = assertThrows(IdxFormatException.class, () -> Idx.readLabels(bad));
        assertTrue(e.getMessage().startsWith("bad.gz: "), e.getMessage());
    }

    @Test
    void trailingBytesAndNegativeDimensions() throws IOException {
        byte[] full = idx(Idx.LABELS_MAGIC, new int[]{3}, new byte[5]);
        Path extra = write("extra", full);
        assertMessage(assertThrows(IdxFormatException.class, () -> Idx.readLabels(extra)),
                "header says 3 = 3 bytes, but the file has 2 more bytes after them");
        Path negative = write("negative", idx(Idx.IMAGES_MAGIC, new int[]{-5, 28, 28}, new byte[0]));
        assertMessage(assertThrows(IdxFormatException.class, () -> Idx.readImages(negative)),
                "header has negative dimension -5");
        Path huge = write("huge", idx(Idx.IMAGES_MAGIC, new int[]{100000, 1000, 1000}, new byte[0]));
        assertMessage(assertThrows(IdxFormatException.class, () -> Idx.readImages(huge)),
                "header says 100000x1000x1000 = 100000000000 bytes, more than a Java array holds");
    }

    @Test
    void missingFileNamesThePath() {
        Path file = dir.resolve("train-images-idx3-ubyte.gz");
        var e = assertThrows(NoSuchFileException.class, () -> Idx.readImages(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    // ---- helpers ----

    static byte[] idx(int magic, int[] dims, byte[] data) throws IOException {
        var bytes = new ByteArrayOutputStream();
        var out = new DataOutputStream(bytes);
        out.writeInt(magic);
        for (int d : dims) {
            out.writeInt(d);
        }
        out.write(data);
        return bytes.toByteArray();
    }

    static byte[] gzip(byte[] data) throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (var gz = new GZIPOutputStream(bytes)) {
            gz.write(data);
        }
        return bytes.toByteArray();
    }

    private Path write(String name, byte[] content) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, content);
        return file;
    }

    private static void assertMessage(Exception e, String fragment) {
        assertTrue(e.getMessage().contains(fragment), "expected \"" + fragment + "\" in: " + e.getMessage());
    }
}
