package io.isthmus.data;

import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Tensor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Loads the "CIFAR-10 binary version" ({@code cifar-10-binary.tar.gz} from
 * <a href="https://www.cs.toronto.edu/~kriz/cifar.html">the Toronto site</a>, which unpacks to
 * {@code cifar-10-batches-bin/}): the training files {@code data_batch_1.bin} ..
 * {@code data_batch_5.bin}, the test file {@code test_batch.bin} and the class names
 * {@code batches.meta.txt}.
 *
 * <p>Each file is a sequence of 3073-byte records without a header: one label byte (0..9),
 * then 3072 pixel bytes, the red, green and blue 32x32 planes in turn, each row-major with the
 * top row first. That is already the [3, 32, 32] (CHW) layout, so pixels are copied in order.
 * A set becomes a {@link TensorDataset} with fields {@code inputs}, float [N, 3, 32, 32] scaled
 * to [0, 1] (divided by 255, as torchvision's {@code ToTensor}), and {@code targets}, the labels
 * as class indices (an {@link IndexTensor}) [N].
 */
public final class Cifar10Format {

    public static final int CHANNELS = 3;
    public static final int HEIGHT = 32;
    public static final int WIDTH = 32;
    /** Pixel bytes per record: 3 planes of 32x32. */
    public static final int PIXEL_BYTES = CHANNELS * HEIGHT * WIDTH;
    /** Bytes per record: the label byte, then the pixels. */
    public static final int RECORD_BYTES = 1 + PIXEL_BYTES;
    public static final int CLASS_COUNT = 10;

    public static final String META = "batches.meta.txt";
    public static final String TEST_BATCH = "test_batch.bin";
    /** The folder {@code cifar-10-binary.tar.gz} unpacks to; {@link #load} also looks inside it. */
    public static final String UNPACKED_DIR = "cifar-10-batches-bin";
    /** The class names of labels 0..9, as in {@code batches.meta.txt}; used when that file is absent. */
    public static final List<String> CLASSES = List.of(
            "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");

    /**
     * Training files: {@code data_batch_<k>.bin}, and also names with text between the number and
     * {@code .bin} (a subset such as {@code data_batch_1_first4000.bin}). Read in the order of k.
     */
    private static final Pattern TRAIN_BATCH = Pattern.compile("data_batch_(\\d{1,9}).*\\.bin");
    private static final String HOW_TO_GET = "get the CIFAR-10 binary version, cifar-10-binary.tar.gz (162 MB), from "
            + "https://www.cs.toronto.edu/~kriz/cifar.html and unpack it (tar xzf cifar-10-binary.tar.gz gives "
            + UNPACKED_DIR + "/)";
    /** Records read per chunk: 3 MB of bytes, so a 30 MB batch file is never held whole. */
    private static final int CHUNK_RECORDS = 1024;
    /** Byte value to float in [0, 1]: the same value as {@code (b & 0xFF) / 255f}, without a division per pixel. */
    private static final float[] SCALED = new float[256];

    static {
        for (int i = 0; i < SCALED.length; i++) {
            SCALED[i] = i / 255f;
        }
    }

    /**
     * The training set, the test set when {@code test_batch.bin} is present, and the class names.
     * Without a test set (e.g. a subset of the training files), hold out a seeded validation set
     * with {@link Subset#randomSplit(Dataset, long, int...)}, e.g.
     * {@code Subset.randomSplit(split.train(), seed, 3000, 1000)}.
     *
     * @param train   every {@code data_batch_<k>*.bin}, concatenated in the order of k
     * @param test    {@code test_batch.bin}, or empty if the directory has none
     * @param classes the names of labels 0..9
     */
    public record Split(TensorDataset train, Optional<TensorDataset> test, List<String> classes) {
        public Split {
            Objects.requireNonNull(train, "train");
            Objects.requireNonNull(test, "test");
            classes = List.copyOf(classes);
        }
    }

    private Cifar10Format() {
    }

    /**
     * Loads the directory {@code dir}, or its {@code cifar-10-batches-bin/} if {@code dir} itself
     * has no training files: every {@code data_batch_<k>*.bin} (at least one), {@code test_batch.bin}
     * if present, {@code batches.meta.txt} if present (else {@link #CLASSES}).
     *
     * @throws NoSuchFileException     if {@code dir} is missing or neither place has a training
     *                                 file; the message says where it looked and how to get the data
     * @throws Cifar10FormatException if a file is malformed (size, label, class names)
     */
    public static Split load(Path dir) throws IOException {
        Path root = locate(dir);
        List<Path> trainFiles = trainFiles(root);
        Path test = root.resolve(TEST_BATCH);
        Path meta = root.resolve(META);
        List<String> classes = Files.isRegularFile(meta) ? readClassNames(meta) : CLASSES;
        TensorDataset train = read(trainFiles);
        Optional<TensorDataset> testSet = Files.isRegularFile(test) ? Optional.of(read(List.of(test))) : Optional.empty();
        return new Split(train, testSet, classes);
    }

    /** The records of {@code files}, concatenated in order: inputs [N, 3, 32, 32] in [0, 1], targets [N]. */
    public static TensorDataset read(Path... files) throws IOException {
        return read(List.of(files));
    }

    /**
     * The records of {@code files}, concatenated in order: inputs [N, 3, 32, 32] in [0, 1],
     * targets [N]. Every file's size is checked before anything is read.
     */
    public static TensorDataset read(List<Path> files) throws IOException {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no CIFAR-10 files given");
        }
        int[] counts = new int[files.size()];
        long total = 0;
        for (int i = 0; i < counts.length; i++) {
            counts[i] = recordCount(files.get(i));
            total += counts[i];
        }
        if (total * PIXEL_BYTES > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(files.size() + " CIFAR-10 files hold " + total + " records, "
                    + total * PIXEL_BYTES + " pixels: more than one Java array holds (at most "
                    + (Integer.MAX_VALUE - 8) / PIXEL_BYTES + " records)");
        }
        int n = (int) total;
        float[] pixels = new float[n * PIXEL_BYTES];
        int[] labels = new int[n];
        int at = 0;
        for (int i = 0; i < counts.length; i++) {
            readRecords(files.get(i), counts[i], pixels, labels, at);
            at += counts[i];
        }
        return TensorDataset.of(Tensor.of(pixels, n, CHANNELS, HEIGHT, WIDTH), IndexTensor.of(labels, n));
    }

    /**
     * The class names of labels 0..9 in {@code file} ({@code batches.meta.txt}): one a line,
     * surrounding blanks and blank lines ignored (the official file ends with empty lines).
     */
    public static List<String> readClassNames(Path file) throws IOException {
        List<String> names = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                names.add(line.strip());
            }
        }
        if (names.size() != CLASS_COUNT) {
            throw new Cifar10FormatException(file, "has " + names.size() + " class names " + names + ", expected "
                    + CLASS_COUNT + " (one a line, for labels 0.." + (CLASS_COUNT - 1) + ")");
        }
        return List.copyOf(names);
    }

    /** Records in {@code file}, from its size: a positive multiple of {@link #RECORD_BYTES}. */
    private static int recordCount(Path file) throws IOException {
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no such CIFAR-10 file");
        }
        if (size == 0) {
            throw new Cifar10FormatException(file, "is empty (0 bytes); CIFAR-10 binary files hold " + RECORD_BYTES
                    + "-byte records");
        }
        long remainder = size % RECORD_BYTES;
        if (remainder != 0) {
            throw new Cifar10FormatException(file, "size " + size + " bytes is not a multiple of the " + RECORD_BYTES
                    + "-byte record (1 label byte + " + PIXEL_BYTES + " pixel bytes): " + size / RECORD_BYTES
                    + " records and a remainder of " + remainder + " bytes");
        }
        if (size / RECORD_BYTES > Integer.MAX_VALUE) {
            throw new Cifar10FormatException(file, "size " + size + " bytes holds more records than an int counts");
        }
        return (int) (size / RECORD_BYTES);
    }

    /** Reads {@code count} records of {@code file} into sample slots {@code at ..} of {@code pixels} and {@code labels}. */
    private static void readRecords(Path file, int count, float[] pixels, int[] labels, int at) throws IOException {
        byte[] chunk = new byte[Math.min(count, CHUNK_RECORDS) * RECORD_BYTES];
        try (InputStream in = Files.newInputStream(file)) {
            for (int first = 0; first < count; first += CHUNK_RECORDS) {
                int records = Math.min(CHUNK_RECORDS, count - first);
                int got = in.readNBytes(chunk, 0, records * RECORD_BYTES);
                if (got < records * RECORD_BYTES) {
                    throw new Cifar10FormatException(file, "ends after " + ((long) first * RECORD_BYTES + got)
                            + " bytes, but its size was " + (long) count * RECORD_BYTES + " when reading began");
                }
                for (int r = 0; r < records; r++) {
                    int src = r * RECORD_BYTES;
                    int label = chunk[src] & 0xFF;
                    if (label >= CLASS_COUNT) {
                        throw new Cifar10FormatException(file, "record " + (first + r) + " (byte offset "
                                + (long) (first + r) * RECORD_BYTES + ") has label " + label + ", expected 0.."
                                + (CLASS_COUNT - 1));
                    }
                    int sample = at + first + r;
                    labels[sample] = label;
                    int dst = sample * PIXEL_BYTES;
                    for (int i = 1; i <= PIXEL_BYTES; i++) {
                        pixels[dst + i - 1] = SCALED[chunk[src + i] & 0xFF];
                    }
                }
            }
            if (in.read() >= 0) {
                throw new Cifar10FormatException(file, "grew while being read (its size was "
                        + (long) count * RECORD_BYTES + " bytes when reading began)");
            }
        }
    }

    /** {@code dir} if it has training files, else its {@code cifar-10-batches-bin/} if that has them. */
    private static Path locate(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "not a directory (expected the CIFAR-10 binary files "
                    + "data_batch_1.bin .. data_batch_5.bin, test_batch.bin and " + META + " in it or in its "
                    + UNPACKED_DIR + "/); " + HOW_TO_GET);
        }
        if (!trainFiles(dir).isEmpty()) {
            return dir;
        }
        Path unpacked = dir.resolve(UNPACKED_DIR);
        if (Files.isDirectory(unpacked) && !trainFiles(unpacked).isEmpty()) {
            return unpacked;
        }
        String inner = Files.isDirectory(unpacked) ? "in " + unpacked + " (which holds " + listing(unpacked) + ")"
                : "in " + unpacked + " (absent)";
        throw new NoSuchFileException(dir.toString(), null, "no CIFAR-10 training files (data_batch_<k>.bin) in "
                + dir + " (which holds " + listing(dir) + ") nor " + inner + "; " + hint(dir) + HOW_TO_GET);
    }

    /** What the directory's contents suggest went wrong, or "". */
    private static String hint(Path dir) {
        if (Files.exists(dir.resolve("cifar-10-binary.tar.gz"))) {
            return "cifar-10-binary.tar.gz is there but not unpacked; ";
        }
        if (Files.exists(dir.resolve("cifar-10-batches-py")) || Files.exists(dir.resolve("data_batch_1"))
                || Files.exists(dir.resolve("cifar-10-python.tar.gz"))) {
            return "that looks like the python (pickle) version, which is not read here; ";
        }
        return "";
    }

    /** The regular files of {@code dir} named {@code data_batch_<k>*.bin}, by k, then by name. */
    private static List<Path> trainFiles(Path dir) throws IOException {
        record Numbered(Path path, int number, String name) {
        }
        List<Numbered> found = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String name = p.getFileName().toString();
                Matcher m = TRAIN_BATCH.matcher(name);
                if (m.matches() && Files.isRegularFile(p)) {
                    found.add(new Numbered(p, Integer.parseInt(m.group(1)), name));
                }
            }
        }
        found.sort(Comparator.comparingInt(Numbered::number).thenComparing(Numbered::name));
        return found.stream().map(Numbered::path).toList();
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
