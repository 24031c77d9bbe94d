package io.isthmus.examples.cnn;

import io.isthmus.data.Cifar10Format;
import io.isthmus.data.Dataset;
import io.isthmus.data.Subset;
import io.isthmus.examples.ExampleFailure;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * The CIFAR-10 images a run trains on and evaluates after every epoch: the training files and
 * {@code test_batch.bin}, or, when the directory has no test file (a subset of the training
 * files), a seeded random part of the training files held out for validation.
 *
 * @param evaluatedLabel "test" or "validation"
 */
record Cifar10Data(Path dir, Dataset train, Dataset evaluated, String evaluatedLabel) {

    /** Where {@code cifar10} looks without {@code --data}: relative to the working directory. */
    static final String DEFAULT_DIR = "data/cifar10";
    static final String DOWNLOAD = "https://www.cs.toronto.edu/~kriz/cifar.html";

    /** Loads {@code dir}; fails with where it looked and how to get the files. */
    static Cifar10Data load(Path dir, long seed, double validationFraction) {
        Cifar10Format.Split split;
        try {
            split = Cifar10Format.load(dir);
        } catch (NoSuchFileException e) {
            String reason = e.getReason() == null ? "" : " (" + e.getReason() + ")";
            throw new ExampleFailure("no CIFAR-10 data in " + dir.toAbsolutePath().normalize() + reason
                    + "; pass --data DIR with the binary files data_batch_1.bin .. data_batch_5.bin and "
                    + Cifar10Format.TEST_BATCH + ", or put them in ./" + DEFAULT_DIR + " (get them from "
                    + DOWNLOAD + ", the \"CIFAR-10 binary version\", unpacked)", e);
        } catch (IOException e) {
            throw new ExampleFailure("cannot read the CIFAR-10 data in " + dir + ": " + e.getMessage(), e);
        }
        if (split.test().isPresent()) {
            return new Cifar10Data(dir, split.train(), split.test().get(), "test");
        }
        List<Subset> parts = Subset.randomSplit(split.train(), seed, 1 - validationFraction, validationFraction);
        System.out.printf("no %s in %s: holding out %d of the %d training images for validation (seeded random "
                        + "split, --validation-fraction %s)%n", Cifar10Format.TEST_BATCH, dir, parts.get(1).size(),
                split.train().size(), validationFraction);
        return new Cifar10Data(dir, parts.get(0), parts.get(1), "validation");
    }
}
