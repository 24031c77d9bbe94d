package io.isthmus.data;

import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Loads a directory in the MNIST layout (MNIST, Fashion-MNIST, KMNIST): the four standard IDX
 * files {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte},
 * {@code t10k-images-idx3-ubyte}, {@code t10k-labels-idx1-ubyte}, each raw or with {@code .gz}.
 * Each becomes a {@link TensorDataset} with fields {@code inputs}, the images as floats
 * [N, 1, H, W] scaled to [0, 1], and {@code targets}, the labels as class indices
 * (an {@link IndexTensor}) [N].
 */
public final class MnistFormat {

    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

    /** Training and test sets of one directory. */
    public record Split(TensorDataset train, TensorDataset test) {
    }

    private MnistFormat() {
    }

    /**
     * Loads the training and test sets from {@code dir}.
     *
     * @throws NoSuchFileException if a file is missing; the message lists the names looked for
     * @throws IdxFormatException  if a file is malformed or images and labels disagree in count
     */
    public static Split load(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "not a directory (expected the four MNIST-format IDX files in it)");
        }
        String[] names = {TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS};
        Path[] files = new Path[names.length];
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            files[i] = find(dir, names[i]);
            if (files[i] == null) {
                missing.add(names[i] + "[.gz]");
            }
        }
        if (!missing.isEmpty()) {
            throw new NoSuchFileException(dir.toString(), null, "missing MNIST-format files " + String.join(", ", missing)
                    + " (looked for " + String.join(", ", names) + ", each raw or .gz; the directory holds "
                    + listing(dir) + ")");
        }
        return new Split(load(files[0], files[1]), load(files[2], files[3]));
    }

    /** Pairs one images file with its labels file: inputs [N, 1, H, W] in [0, 1], targets [N] class indices. */
    public static TensorDataset load(Path imagesFile, Path labelsFile) throws IOException {
        IdxImages images = Idx.readImages(imagesFile);
        IdxLabels labels = Idx.readLabels(labelsFile);
        if (images.count() != labels.count()) {
            throw new IdxFormatException(labelsFile, "has " + labels.count() + " labels but " + imagesFile.getFileName()
                    + " has " + images.count() + " images");
        }
        return TensorDataset.of(Tensor.of(images.toFloats(), images.count(), 1, images.rows(), images.cols()),
                IndexTensor.of(labels.toIndices(), labels.count()));
    }

    /** The raw file if present, else the .gz, else null. */
    private static Path find(Path dir, String name) {
        for (String candidate : new String[]{name, name + ".gz"}) {
            Path p = dir.resolve(candidate);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    private static String listing(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            List<String> names = s.map(p -> p.getFileName().toString()).sorted().toList();
            if (names.isEmpty()) {
                return "no files";
            }
            int shown = Math.min(names.size(), 12);
            return String.join(", ", names.subList(0, shown)) + (names.size() > shown ? ", ... (" + names.size() + " entries)" : "");
        } catch (IOException e) {
            return "entries that could not be listed: " + e.getMessage();
        }
    }
}
