package io.isthmus.examples.common;

import io.isthmus.data.DataLoader;
import io.isthmus.data.Dataset;
import io.isthmus.data.Transform;
import io.isthmus.kernels.Kernels;
import io.isthmus.kernels.Threads;
import io.isthmus.loss.CrossEntropyLoss;
import io.isthmus.loss.Loss;
import io.isthmus.nn.Layer;
import io.isthmus.nn.Sequential;
import io.isthmus.optim.Optimizer;
import io.isthmus.tensor.Seeds;
import io.isthmus.tensor.Tensor;
import io.isthmus.train.Accuracy;
import io.isthmus.train.Metric;
import io.isthmus.train.Trainer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The options every classifier trainer shares (optimizer, learning rate, seed, threads,
 * prefetching, report) and what is built from them: the kernels' setup, the trainer, the
 * loaders and the report's settings. A trainer's own options mix this in by extending it and
 * add {@code --batch-size}, whose default differs between trainers, and {@code --data}.
 */
public abstract class TrainingOptions {

    /** Evaluation batches: big, since no graph is kept and fewer GEMM calls are faster. */
    private static final int EVAL_BATCH = 1000;

    @Spec(Spec.Target.MIXEE)
    protected CommandSpec command;

    @Option(names = "--optimizer", paramLabel = "NAME", defaultValue = "adam",
            description = "one of ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    OptimizerChoice optimizer;

    @Option(names = "--lr", paramLabel = "RATE", defaultValue = "1e-3",
            description = "learning rate (default: ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
            description = "seed of the initial weights, the shuffling, the augmentation and the validation split "
                    + "(default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--threads", paramLabel = "N",
            description = "threads for the kernels and OpenBLAS (default: all cores)")
    Integer threads;

    @Option(names = "--prefetch", paramLabel = "N", defaultValue = "0",
            description = "training batches built ahead on a background thread, a core besides --threads "
                    + "(default: ${DEFAULT-VALUE}: each batch is built on the training thread)")
    int prefetch;

    @Option(names = "--report", paramLabel = "FILE",
            description = "write a JSON report: settings, per-epoch metrics and seconds, final metrics")
    Path report;

    /** The training batch size ({@code --batch-size}, declared by each trainer with its default). */
    public abstract int batchSize();

    /** Fails with a message naming the option and the value when a value is out of range. */
    protected void validate() {
        require(batchSize() >= 1, "--batch-size must be at least 1, got " + batchSize());
        require(lr > 0 && Double.isFinite(lr), "--lr must be a positive number, got " + lr);
        require(threads == null || threads >= 1, "--threads must be at least 1, got " + threads);
        require(prefetch >= 0, "--prefetch must be 0 or more, got " + prefetch);
    }

    /** A usage error (exit status 2) with {@code message} unless {@code condition} holds. */
    public void require(boolean condition, String message) {
        if (!condition) {
            throw new ParameterException(command.commandLine(), message);
        }
    }

    /**
     * Validates the options, sets the thread count and starts the kernels' warm-up, which
     * compiles on the other core while this one reads and decodes the data.
     */
    public void start() {
        validate();
        if (threads != null) {
            Threads.set(threads);
        }
        Kernels.warmUp();
    }

    /** Seeds the global generator, which the layers draw their initial weights from: call just before building the model. */
    public void seedWeights() {
        Seeds.set(seed);
    }

    /** Softmax cross-entropy, the chosen optimizer over the model's parameters, and accuracy. */
    public Trainer trainer(Sequential model) {
        return new Trainer(model, new CrossEntropyLoss(), optimizer.create(model.parameters(), lr), new Accuracy());
    }

    /** The chosen optimizer over {@code parameters} at the chosen rate, for a trainer built with {@link Trainer#builder}. */
    public Optimizer optimizer(List<Tensor> parameters) {
        return optimizer.create(parameters, lr);
    }

    /** "adam lr 0.001, batch 64, seed 42, 1 thread": the settings a trainer's first line names. */
    public String settings() {
        int count = Threads.count();
        return String.format(Locale.ROOT, "%s lr %s, batch %d, seed %d, %d thread%s", optimizer, lr, batchSize(), seed,
                count, count == 1 ? "" : "s");
    }

    /**
     * Shuffled batches of {@code dataset}, a new order each epoch derived from (seed, epoch).
     * By default built on the training thread, so that --threads 1 uses one core: copying a
     * batch of 32 images takes ~22 us here, while handing it over from a prefetch thread cost
     * the training thread 35-70 us. At batch 128 (a ~100 us copy) --prefetch 2 made no
     * measurable difference here: epochs 2-5 took 0.32 s either way.
     */
    public DataLoader trainLoader(Dataset dataset) {
        return trainLoader(dataset, null);
    }

    /** As {@link #trainLoader(Dataset)}, with {@code transform} (may be null) applied to every batch. */
    public DataLoader trainLoader(Dataset dataset, Transform transform) {
        return DataLoader.builder(dataset).batchSize(batchSize()).shuffle(true).seed(seed).prefetch(prefetch)
                .transform(transform).build();
    }

    /** Batches of {@code dataset} in order, for evaluation. */
    public DataLoader evalLoader(Dataset dataset) {
        return evalLoader(dataset, null);
    }

    /** As {@link #evalLoader(Dataset)}, with {@code transform} (may be null) applied to every batch. */
    public DataLoader evalLoader(Dataset dataset, Transform transform) {
        // A fixed seed: a loader that transforms would otherwise draw one from the global generator.
        return DataLoader.builder(dataset).batchSize(EVAL_BATCH).seed(seed).prefetch(0).transform(transform).build();
    }

    /** The settings as the report records them. */
    public TrainingReport startReport(Path data, String model, int epochs) {
        return new TrainingReport()
                .put("command", command.name())
                .put("data", data.toString())
                .put("model", model)
                .put("optimizer", optimizer.toString())
                .put("lr", lr)
                .put("batch_size", batchSize())
                .put("epochs", epochs)
                .put("seed", seed)
                .put("threads", Threads.count())
                .put("prefetch", prefetch);
    }

    public long seed() {
        return seed;
    }

    /** The {@code --optimizer} chosen. */
    public OptimizerChoice optimizerChoice() {
        return optimizer;
    }

    /** The {@code --lr}. */
    public double lr() {
        return lr;
    }

    /** The {@code --report} file, or null. */
    public Path report() {
        return report;
    }

    /** The command's name, e.g. "mlp". */
    public String name() {
        return command.name();
    }

    /** {@code loss}, the chosen optimizer over the model's parameters, and {@code metrics}: for models that are not classifiers. */
    public Trainer trainer(Layer model, Loss loss, Metric... metrics) {
        return new Trainer(model, loss, optimizer.create(model.parameters(), lr), metrics);
    }
}
