package io.isthmus.data;

import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Tensor;
import io.isthmus.testing.SharedFolders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CIFAR-10 binary reader on crafted files, and on the shared subset. */
class Cifar10FormatTest {

    @TempDir
    Path dir;

    /** A record: label, then pixel i of the [3, 32, 32] image = (seed + 7 i) mod 256. */
    static byte[] record(int label, int seed) {
        byte[] r = new byte[Cifar10Format.RECORD_BYTES];
        r[0] = (byte) label;
        for (int i = 0; i < Cifar10Format.PIXEL_BYTES; i++) {
            r[1 + i] = (byte) (seed + 7 * i);
        }
        return r;
    }

    static byte[] records(int[] labels, int firstSeed) {
        byte[] out = new byte[labels.length * Cifar10Format.RECORD_BYTES];
        for (int k = 0; k < labels.length; k++) {
            System.arraycopy(record(labels[k], firstSeed + k), 0, out, k * Cifar10Format.RECORD_BYTES, Cifar10Format.RECORD_BYTES);
        }
        return out;
    }

    private Path write(Path in, String name, byte[] bytes) throws IOException {
        Files.createDirectories(in);
        return Files.write(in.resolve(name), bytes);
    }

    /** Pixel (c, y, x) of a record made by {@link #record}, scaled as the reader must: byte / 255. */
    private static float expected(int seed, int c, int y, int x) {
        int i = (c * 32 + y) * 32 + x;
        return ((seed + 7 * i) & 0xFF) / 255f;
    }

    @Test
    void readsTrainingFilesInBatchOrderTheTestFileAndClassNames() throws IOException {
        // data_batch_10 must come after data_batch_2 (by number, not by name)
        write(dir, "data_batch_10.bin", records(new int[]{9}, 100));
        write(dir, "data_batch_2.bin", records(new int[]{3, 0, 7}, 20));
        write(dir, "data_batch_2.bin.bak", new byte[5]); // not a .bin: ignored
        write(dir, "test_batch.bin", records(new int[]{4, 5}, 50));
        write(dir, Cifar10Format.META, "  zero\none\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine  \n\n\n".getBytes());

        Cifar10Format.Split split = Cifar10Format.load(dir);
        TensorDataset train = split.train();
        assertEquals(4, train.size());
        assertEquals(List.of(Field.floats("inputs", 3, 32, 32), Field.indices("targets")), train.fields());
        assertArrayEquals(new int[]{3, 0, 7, 9}, train.indices(Batch.TARGETS).data());
        Tensor x = train.tensor(Batch.INPUTS);
        int[] seeds = {20, 21, 22, 100};
        for (int n = 0; n < 4; n++) {
            for (int[] p : new int[][]{{0, 0, 0}, {0, 0, 31}, {0, 31, 0}, {1, 0, 0}, {1, 5, 17}, {2, 31, 31}}) {
                assertEquals(expected(seeds[n], p[0], p[1], p[2]), x.data()[((n * 3 + p[0]) * 32 + p[1]) * 32 + p[2]],
                        "sample " + n + " channel " + p[0] + " row " + p[1] + " col " + p[2]);
            }
        }
        assertTrue(split.test().isPresent());
        assertArrayEquals(new int[]{4, 5}, split.test().get().indices(Batch.TARGETS).data());
        assertEquals(expected(51, 2, 3, 4), split.test().get().tensor(Batch.INPUTS).data()[32 * 32 * 3 + (2 * 32 + 3) * 32 + 4]);
        assertEquals(List.of("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"), split.classes());
    }

    @Test
    void pixelBytesScaleTo0And1Exactly() throws IOException {
        byte[] r = record(1, 0);
        r[1] = 0;
        r[2] = (byte) 255;
        r[3] = (byte) 51;
        TensorDataset d = Cifar10Format.read(write(dir, "one.bin", r));
        float[] v = d.tensor(Batch.INPUTS).data();
        assertEquals(0f, v[0]);
        assertEquals(1f, v[1]);
        assertEquals(0.2f, v[2]);
        for (int i = 0; i < 256; i++) {
            r[1 + i] = (byte) i;
        }
        v = Cifar10Format.read(write(dir, "all.bin", r)).tensor(Batch.INPUTS).data();
        for (int i = 0; i < 256; i++) {
            assertEquals(i / 255f, v[i], "byte " + i);
        }
    }

    @Test
    void noTestFileNoMetaFileAndTheUnpackedSubfolder() throws IOException {
        Path unpacked = dir.resolve(Cifar10Format.UNPACKED_DIR);
        write(unpacked, "data_batch_1.bin", records(new int[]{2, 8}, 0));
        Cifar10Format.Split split = Cifar10Format.load(dir);
        assertEquals(2, split.train().size());
        assertFalse(split.test().isPresent(), "no test_batch.bin");
        assertEquals(Cifar10Format.CLASSES, split.classes(), "standard names without batches.meta.txt");
        assertEquals(IndexTensor.vector(2, 8), split.train().indices(Batch.TARGETS));
    }

    @Test
    void readsManyChunksAcrossFiles() throws IOException {
        // more records than one read chunk (1024), so chunk offsets are exercised
        int n = 2500;
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (i * 7) % 10;
        }
        Path a = write(dir, "a.bin", records(Arrays.copyOfRange(labels, 0, 1100), 0));
        Path b = write(dir, "b.bin", records(Arrays.copyOfRange(labels, 1100, n), 1100));
        TensorDataset d = Cifar10Format.read(a, b);
        assertArrayEquals(labels, d.indices(Batch.TARGETS).data());
        float[] x = d.tensor(Batch.INPUTS).data();
        for (int s : new int[]{0, 1023, 1024, 1099, 1100, 2047, 2048, 2499}) {
            assertEquals(expected(s, 0, 0, 0), x[s * 3072], "sample " + s + " first pixel");
            assertEquals(expected(s, 2, 31, 31), x[s * 3072 + 3071], "sample " + s + " last pixel");
        }
    }

    @Test
    void sizeNotAMultipleOfTheRecordIsRejectedNamingFileSizeAndRemainder() throws IOException {
        byte[] bytes = Arrays.copyOf(records(new int[]{1, 2}, 0), 2 * 3073 + 100);
        Path file = write(dir, "data_batch_1.bin", bytes);
        var e = assertThrows(Cifar10FormatException.class, () -> Cifar10Format.load(dir));
        assertEquals(file, e.file());
        String m = e.getMessage();
        assertTrue(m.contains("data_batch_1.bin: size 6246 bytes is not a multiple of the 3073-byte record"), m);
        assertTrue(m.contains("2 records and a remainder of 100 bytes"), m);

        Path empty = write(dir, "empty.bin", new byte[0]);
        e = assertThrows(Cifar10FormatException.class, () -> Cifar10Format.read(empty));
        assertTrue(e.getMessage().contains("empty.bin: is empty"), e.getMessage());
    }

    @Test
    void labelOutsideZeroToNineIsRejectedNamingFileRecordAndLabel() throws IOException {
        Path good = write(dir, "good.bin", records(new int[]{0, 9}, 0));
        Path bad = write(dir, "bad.bin", records(new int[]{0, 9, 1, 10, 2}, 0));
        var e = assertThrows(Cifar10FormatException.class, () -> Cifar10Format.read(good, bad));
        assertEquals(bad, e.file());
        assertTrue(e.getMessage().contains("bad.bin: record 3 (byte offset 9219) has label 10, expected 0..9"), e.getMessage());

        Path worse = write(dir, "worse.bin", records(new int[]{255}, 0));
        e = assertThrows(Cifar10FormatException.class, () -> Cifar10Format.read(worse));
        assertTrue(e.getMessage().contains("record 0 (byte offset 0) has label 255"), e.getMessage());
    }

    @Test
    void missingDirectoryOrFilesSayWhereItLookedAndHowToGetTheData() throws IOException {
        Path absent = dir.resolve("nowhere");
        var e = assertThrows(NoSuchFileException.class, () -> Cifar10Format.load(absent));
        String m = e.getMessage();
        assertTrue(m.contains(absent.toString()) && m.contains("not a directory"), m);
        assertTrue(m.contains("cifar-10-binary.tar.gz") && m.contains("https://www.cs.toronto.edu/~kriz/cifar.html"), m);

        write(dir, "readme.txt", new byte[0]);
        write(dir, "test_batch.bin", records(new int[]{1}, 0));
        e = assertThrows(NoSuchFileException.class, () -> Cifar10Format.load(dir));
        m = e.getMessage();
        assertTrue(m.contains("no CIFAR-10 training files (data_batch_<k>.bin) in " + dir
                + " (which holds readme.txt, test_batch.bin) nor in " + dir.resolve("cifar-10-batches-bin") + " (absent)"), m);
        assertTrue(m.contains("cifar-10-binary.tar.gz (162 MB), from https://www.cs.toronto.edu/~kriz/cifar.html"), m);

        // the python version has data_batch_1 without .bin: say so
        write(dir.resolve(Cifar10Format.UNPACKED_DIR), "other", new byte[0]);
        write(dir, "data_batch_1", new byte[10]);
        m = assertThrows(NoSuchFileException.class, () -> Cifar10Format.load(dir)).getMessage();
        assertTrue(m.contains("nor in " + dir.resolve("cifar-10-batches-bin") + " (which holds other)"), m);
        assertTrue(m.contains("python (pickle) version"), m);

        var missingFile = assertThrows(NoSuchFileException.class, () -> Cifar10Format.read(dir.resolve("gone.bin")));
        assertTrue(missingFile.getMessage().contains("gone.bin"), missingFile.getMessage());
    }

    @Test
    void classNamesFileWithTheWrongCountIsRejected() throws IOException {
        write(dir, "data_batch_1.bin", records(new int[]{1}, 0));
        write(dir, Cifar10Format.META, "cat\ndog\n".getBytes());
        var e = assertThrows(Cifar10FormatException.class, () -> Cifar10Format.load(dir));
        assertTrue(e.getMessage().contains("batches.meta.txt: has 2 class names [cat, dog], expected 10"), e.getMessage());
    }

    /** The shared subset: the first 4000 training images, labels and class counts per its SOURCE.md. */
    @Test
    void sharedSubset() throws IOException {
        Cifar10Format.Split split = Cifar10Format.load(SharedFolders.dataOrSkip("cifar10-subset"));
        TensorDataset train = split.train();
        assertEquals(4000, train.size());
        assertFalse(split.test().isPresent(), "the subset has no test file");
        assertEquals(Cifar10Format.CLASSES, split.classes());
        int[] labels = train.indices(Batch.TARGETS).data();
        assertArrayEquals(new int[]{6, 9, 9, 4, 1, 1, 2, 7, 8, 3}, Arrays.copyOf(labels, 10), "first labels");
        int[] counts = new int[10];
        for (int label : labels) {
            counts[label]++;
        }
        assertArrayEquals(new int[]{396, 366, 420, 384, 422, 393, 414, 385, 407, 413}, counts, "class counts");
        // Row 0 of data_batch_1 in the official python version starts 59 43 50 68 98 (red, top
        // row) and ends 140 84 72 (blue, bottom row); row 1 starts 154 126 105 102 125.
        float[] x = train.tensor(Batch.INPUTS).data();
        assertArrayEquals(scaled(59, 43, 50, 68, 98), Arrays.copyOfRange(x, 0, 5));
        assertArrayEquals(scaled(140, 84, 72), Arrays.copyOfRange(x, 3072 - 3, 3072));
        assertArrayEquals(scaled(154, 126, 105, 102, 125), Arrays.copyOfRange(x, 3072, 3072 + 5));
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float v : train.tensor(Batch.INPUTS).data()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertEquals(0f, min);
        assertEquals(1f, max);

        // The held-out validation split the subset calls for: disjoint, complete, seeded.
        List<Subset> parts = Subset.randomSplit(train, 42, 3000, 1000);
        assertEquals(3000, parts.get(0).size());
        assertEquals(1000, parts.get(1).size());
        boolean[] seen = new boolean[4000];
        for (Subset part : parts) {
            for (int i : part.indices()) {
                assertFalse(seen[i], "index " + i + " in both parts");
                seen[i] = true;
            }
        }
        assertArrayEquals(parts.get(1).indices(), Subset.randomSplit(train, 42, 3000, 1000).get(1).indices());
    }

    private static float[] scaled(int... bytes) {
        float[] out = new float[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[i] / 255f;
        }
        return out;
    }
}
