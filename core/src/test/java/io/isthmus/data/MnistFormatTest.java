package io.isthmus.data;

import io.isthmus.tensor.IndexTensor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import io.isthmus.testing.SharedFolders;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real MNIST and Fashion-MNIST files, and the directory lookup. */
class MnistFormatTest {

    private static final Path FASHION = Path.of("/usr/share/datasets/fashion-mnist");

    private static Path mnistDir() {
        return SharedFolders.dataOrSkip("mnist");
    }

    @Test
    void mnist() throws IOException {
        MnistFormat.Split mnist = MnistFormat.load(mnistDir());
        checkShapes(mnist);
        assertEquals(5, mnist.train().indices(Batch.TARGETS).get(0), "first MNIST training label");
        // Class counts published with the data set (see shared/data/mnist/SOURCE.md).
        assertArrayEquals(new int[]{5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}, classCounts(mnist.train()));
        assertArrayEquals(new int[]{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}, classCounts(mnist.test()));
    }

    @Test
    void fashionMnist() throws IOException {
        if (!Files.isDirectory(FASHION)) {
            System.out.println("MnistFormatTest.fashionMnist skipped: " + FASHION
                    + " not found (Debian package dataset-fashion-mnist)");
            Assumptions.abort(FASHION + " not found");
        }
        MnistFormat.Split fashion = MnistFormat.load(FASHION);
        checkShapes(fashion);
        assertEquals(9, fashion.train().indices(Batch.TARGETS).get(0), "first Fashion-MNIST training label (ankle boot)");
        int[] balancedTrain = new int[10];
        int[] balancedTest = new int[10];
        java.util.Arrays.fill(balancedTrain, 6000);
        java.util.Arrays.fill(balancedTest, 1000);
        assertArrayEquals(balancedTrain, classCounts(fashion.train()));
        assertArrayEquals(balancedTest, classCounts(fashion.test()));
    }

    private static void checkShapes(MnistFormat.Split split) {
        assertEquals(60000, split.train().size());
        assertEquals(10000, split.test().size());
        assertEquals(List.of(Field.floats("inputs", 1, 28, 28), Field.indices("targets")), split.train().fields());
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float v : split.test().tensor(Batch.INPUTS).data()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertEquals(0f, min);
        assertEquals(1f, max);
    }

    private static int[] classCounts(TensorDataset d) {
        int[] counts = new int[10];
        for (int label : d.indices(Batch.TARGETS).data()) {
            assertTrue(label >= 0 && label <= 9, "label " + label);
            counts[label]++;
        }
        return counts;
    }

    @Test
    void missingFilesAreListedWithWhatWasLookedFor(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("train-images-idx3-ubyte.gz"), IdxTest.gzip(IdxTest.idx(Idx.IMAGES_MAGIC, new int[]{1, 2, 2}, new byte[4])));
        Files.write(dir.resolve("readme.txt"), new byte[0]);
        var e = assertThrows(NoSuchFileException.class, () -> MnistFormat.load(dir));
        String m = e.getMessage();
        assertTrue(m.contains(dir.toString()), m);
        assertTrue(m.contains("missing MNIST-format files train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz], "
                + "t10k-labels-idx1-ubyte[.gz]"), m);
        assertTrue(m.contains("the directory holds readme.txt, train-images-idx3-ubyte.gz"), m);
        assertThrows(NoSuchFileException.class, () -> MnistFormat.load(dir.resolve("absent")));
    }

    @Test
    void countMismatchBetweenImagesAndLabels(@TempDir Path dir) throws IOException {
        Path images = dir.resolve("i");
        Path labels = dir.resolve("l");
        Files.write(images, IdxTest.idx(Idx.IMAGES_MAGIC, new int[]{3, 2, 2}, new byte[12]));
        Files.write(labels, IdxTest.idx(Idx.LABELS_MAGIC, new int[]{2}, new byte[2]));
        var e = assertThrows(IdxFormatException.class, () -> MnistFormat.load(images, labels));
        assertTrue(e.getMessage().contains("l: has 2 labels but i has 3 images"), e.getMessage());
    }

    @Test
    void rawFilesArePreferredAndLoadAsNchw(@TempDir Path dir) throws IOException {
        byte[] px = {0, (byte) 255, 51, 102};
        for (String prefix : new String[]{"train", "t10k"}) {
            Files.write(dir.resolve(prefix + "-images-idx3-ubyte"), IdxTest.idx(Idx.IMAGES_MAGIC, new int[]{1, 2, 2}, px));
            Files.write(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), IdxTest.gzip(IdxTest.idx(Idx.LABELS_MAGIC, new int[]{1}, new byte[]{7})));
        }
        // A broken .gz next to the raw file must not be read.
        Files.write(dir.resolve("train-images-idx3-ubyte.gz"), new byte[]{1, 2, 3});
        MnistFormat.Split split = MnistFormat.load(dir);
        assertArrayEquals(new float[]{0f, 1f, 0.2f, 0.4f}, split.train().tensor(Batch.INPUTS).data());
        assertEquals(IndexTensor.vector(7), split.test().indices(Batch.TARGETS));
        Batch b = split.train().batch(0);
        assertArrayEquals(new int[]{1, 1, 2, 2}, b.inputs().shape());
        assertEquals(IndexTensor.vector(7), b.indices(Batch.TARGETS), "labels are class indices");
    }
}
