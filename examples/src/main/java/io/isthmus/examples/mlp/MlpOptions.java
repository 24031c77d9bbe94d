package io.isthmus.examples.mlp;

import io.isthmus.data.DataLoader;
import io.isthmus.data.Dataset;
import io.isthmus.kernels.Kernels;
import io.isthmus.kernels.Threads;
import io.isthmus.loss.CrossEntropyLoss;
import io.isthmus.tensor.Seeds;
import io.isthmus.nn.Sequential;
import io.isthmus.train.Accuracy;
import io.isthmus.train.Trainer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The options both MLP trainers share, and what they build from them: data, model, trainer, loaders. */
public final class MlpOptions {

    /** Evaluation batches: big, since no graph is kept and fewer GEMM calls are faster. */
    private static final int EVAL_BATCH = 1000;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--hidden", split = ",", paramLabel = "N", defaultValue = "128",
            description = "hidden layer sizes, comma-separated, e.g. 256,128 (default: ${DEFAULT-VALUE})")
    List<Integer> hidden;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "32",
            description = "training batch size (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--optimizer", paramLabel = "NAME", defaultValue = "adam",
            description = "one of ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    OptimizerChoice optimizer;

    @Option(names = "--lr", paramLabel = "RATE", defaultValue = "1e-3",
            description = "learning rate (default: ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
            description = "seed of the initial weights, the shuffling and the validation split "
                    + "(default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--threads", paramLabel = "N",
            description = "threads for the kernels and OpenBLAS (default: all cores)")
    Integer threads;

    @Option(names = "--prefetch", paramLabel = "N", defaultValue = "0",
            description = "training batches built ahead on a background thread, a core besides --threads "
                    + "(default: ${DEFAULT-VALUE}: each batch is built on the training thread)")
    int prefetch;

    @Option(names = "--data", paramLabel = "DIR",
            description = "directory with the four MNIST-format IDX files, e.g. MNIST (default: Fashion-MNIST in "
                    + "/usr/share/datasets/fashion-mnist)")
    Path data;

    @Option(names = "--report", paramLabel = "FILE",
            description = "write a JSON report: settings, per-epoch metrics and seconds, final test metrics")
    Path report;

    /** Fails with a message naming the option and the value when a value is out of range. */
    void validate() {
        require(batchSize >= 1, "--batch-size must be at least 1, got " + batchSize);
        require(lr > 0 && Double.isFinite(lr), "--lr must be a positive number, got " + lr);
        require(threads == null || threads >= 1, "--threads must be at least 1, got " + threads);
        require(prefetch >= 0, "--prefetch must be 0 or more, got " + prefetch);
        for (int size : hidden) {
            require(size >= 1, "--hidden sizes must be at least 1, got " + size + " in " + hidden);
        }
    }

    void require(boolean condition, String message) {
        if (!condition) {
            throw new ParameterException(command.commandLine(), message);
        }
    }

    /** Sets threads and seed, starts the kernels' warm-up, loads the data, builds the model and prints its summary. */
    MlpSetup prepare() {
        validate();
        if (threads != null) {
            Threads.set(threads);
        }
        // The kernels compile on the other core while this one reads and decodes the images.
        Kernels.warmUp();
        ImageData images = ImageData.load(data);
        Seeds.set(seed);
        Sequential model = Mlp.build(images.features(), hidden, ImageData.CLASSES);
        Trainer trainer = new Trainer(model, new CrossEntropyLoss(), optimizer.create(model.parameters(), lr),
                new Accuracy());
        System.out.printf(Locale.ROOT, "%s: MLP %s on %s (%d training, %d test images), %s lr %s, batch %d, seed %d, "
                        + "%d thread%s%n", command.name(), architecture(images), images.dir(), images.train().size(),
                images.test().size(), optimizer, lr, batchSize, seed, Threads.count(), Threads.count() == 1 ? "" : "s");
        System.out.print(model.summary(images.features()));
        return new MlpSetup(images, model, trainer);
    }

    String architecture(ImageData images) {
        return Mlp.describe(images.features(), hidden, ImageData.CLASSES);
    }

    /**
     * Shuffled batches of {@code dataset}, a new order each epoch derived from (seed, epoch).
     * By default built on the training thread, so that --threads 1 uses one core: copying a
     * batch of 32 images takes ~22 us here, while handing it over from a prefetch thread cost
     * the training thread 35-70 us. At batch 128 (a ~100 us copy) --prefetch 2 made no
     * measurable difference here: epochs 2-5 took 0.32 s either way.
     */
    DataLoader trainLoader(Dataset dataset) {
        return DataLoader.builder(dataset).batchSize(batchSize).shuffle(true).seed(seed).prefetch(prefetch).build();
    }

    /** Batches of {@code dataset} in order, for evaluation. */
    DataLoader evalLoader(Dataset dataset) {
        return DataLoader.builder(dataset).batchSize(EVAL_BATCH).prefetch(0).build();
    }

    /** The settings as the report records them. */
    TrainingReport startReport(ImageData images, int epochs) {
        return new TrainingReport()
                .put("command", command.name())
                .put("data", images.dir().toString())
                .put("model", architecture(images))
                .put("optimizer", optimizer.toString())
                .put("lr", lr)
                .put("batch_size", batchSize)
                .put("epochs", epochs)
                .put("seed", seed)
                .put("threads", Threads.count())
                .put("prefetch", prefetch);
    }
}
