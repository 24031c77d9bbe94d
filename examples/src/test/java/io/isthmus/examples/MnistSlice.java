package io.isthmus.examples;

import io.isthmus.testing.SharedFolders;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/** The first images of the shared MNIST set as a small MNIST directory (skips the test without ../shared). */
public final class MnistSlice {

    private MnistSlice() {
    }

    /** {@code train} training and {@code test} test images and labels, as raw IDX files in {@code dir}. */
    public static Path write(Path dir, int train, int test) throws IOException {
        Path mnist = SharedFolders.dataOrSkip("mnist");
        Files.createDirectories(dir);
        slice(mnist.resolve("train-images-idx3-ubyte.gz"), train, dir.resolve("train-images-idx3-ubyte"));
        slice(mnist.resolve("train-labels-idx1-ubyte.gz"), train, dir.resolve("train-labels-idx1-ubyte"));
        slice(mnist.resolve("t10k-images-idx3-ubyte.gz"), test, dir.resolve("t10k-images-idx3-ubyte"));
        slice(mnist.resolve("t10k-labels-idx1-ubyte.gz"), test, dir.resolve("t10k-labels-idx1-ubyte"));
        return dir;
    }

    /** The first {@code count} items of a gzipped IDX file, as a raw IDX file with that count. */
    private static void slice(Path gz, int count, Path out) throws IOException {
        byte[] all;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            all = in.readAllBytes();
        }
        ByteBuffer header = ByteBuffer.wrap(all);
        int rank = all[3];
        int itemBytes = 1;
        for (int d = 1; d < rank; d++) {
            itemBytes *= header.getInt(4 + 4 * d);
        }
        byte[] slice = Arrays.copyOf(all, 4 + 4 * rank + count * itemBytes);
        ByteBuffer.wrap(slice).putInt(4, count);
        Files.write(out, slice);
    }
}
