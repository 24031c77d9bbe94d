package io.isthmus.examples.mlp;

import io.isthmus.data.Batch;
import io.isthmus.data.MnistFormat;
import io.isthmus.data.TensorDataset;
import io.isthmus.examples.ExampleFailure;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The training and test images of a directory in the MNIST layout, flattened to 784 features
 * for an MLP. Without a directory: Fashion-MNIST as Debian's dataset-fashion-mnist installs it.
 */
record ImageData(Path dir, TensorDataset train, TensorDataset test) {

    static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");
    static final int CLASSES = 10;

    /** Loads {@code dir}, or Fashion-MNIST when it is null; fails with where it looked and how to get the files. */
    static ImageData load(Path dir) {
        Path where = dir == null ? FASHION_MNIST : dir;
        MnistFormat.Split split;
        try {
            split = MnistFormat.load(where);
        } catch (NoSuchFileException e) {
            throw new ExampleFailure(missing(dir, where, e), e);
        } catch (IOException e) {
            throw new ExampleFailure("cannot read the data in " + where + ": " + e.getMessage(), e);
        }
        int features = split.train().field(Batch.INPUTS).sampleSize();
        return new ImageData(where, split.train().withFeatureShape(features), split.test().withFeatureShape(features));
    }

    int features() {
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
}
