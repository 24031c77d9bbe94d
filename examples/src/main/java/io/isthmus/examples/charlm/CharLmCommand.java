package io.isthmus.examples.charlm;

import io.isthmus.data.Batch;
import io.isthmus.data.CharVocabulary;
import io.isthmus.data.DataLoader;
import io.isthmus.data.TextStreams;
import io.isthmus.data.TextWindows;
import io.isthmus.examples.ExampleFailure;
import io.isthmus.examples.common.BestEpoch;
import io.isthmus.examples.common.EpochTrainerCommand;
import io.isthmus.examples.common.TrainingOptions;
import io.isthmus.examples.common.TrainingReport;
import io.isthmus.io.SafeTensors;
import io.isthmus.loss.CrossEntropyLoss;
import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Tensor;
import io.isthmus.train.Callback;
import io.isthmus.train.History;
import io.isthmus.train.Trainer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A character language model on Tiny Shakespeare, by default the W7 recipe of
 * {@code shared/anchors/pytorch/w7_char_lstm.py}: Embedding 64, one LSTM layer of 256, Linear to
 * the 65 characters, Adam lr 2e-3, batches of 64 windows of 100 characters at random offsets of
 * the first 90% of the text, zero initial state every batch, mean cross-entropy; validation on
 * 16 fixed batches of 64 windows of the last 10%. {@code --steps 200} trains W7's 200 steps.
 *
 * <p>An epoch is {@code --steps-per-epoch} batches of windows drawn afresh (by default about
 * one pass over the training characters: (n - 1) / seq-len windows, 156 batches of 64 on Tiny
 * Shakespeare); with {@code --stateful} it is one in-order pass over batch-size parallel
 * streams, the state carried from batch to batch and detached (truncated backprop through time).
 * After training, samples at each {@code --temperature}; {@code --generate FILE} samples from a
 * checkpoint without training, reading the vocabulary written beside it.
 */
@Command(name = "char-lm", mixinStandardHelpOptions = true, sortOptions = false,
        defaultValueProvider = CharLmCommand.Defaults.class,
        description = "Train a character language model (LSTM or GRU) on a text, Tiny Shakespeare by default, and "
                + "sample from it; or sample from a saved checkpoint (--generate).")
public final class CharLmCommand extends EpochTrainerCommand {

    private static final int DEFAULT_EPOCHS = 5;
    private static final String BEST_CHECKPOINT_NAME = "char-lm-{epoch:02d}-{val_loss:.4f}.safetensors";
    /** The vocabulary beside a {@code --checkpoint FILE}: FILE + this suffix. */
    static final String VOCABULARY_SUFFIX = ".vocab.json";
    /** The vocabulary in a {@code --checkpoint-dir} (for the best epochs' checkpoints). */
    static final String DIR_VOCABULARY = "vocab.json";

    @Mixin
    Options options;

    @Option(names = "--epochs", paramLabel = "N",
            description = "epochs in total; a resumed run continues up to this number (default: " + DEFAULT_EPOCHS
                    + ", or 1 with --steps)")
    Integer epochs;

    @Option(names = "--steps", paramLabel = "N",
            description = "training steps (batches) in total, spread evenly over --epochs; --steps 200 is W7's run")
    Integer steps;

    @Option(names = "--steps-per-epoch", paramLabel = "N",
            description = "batches of random windows per epoch (default: about one pass over the training text, "
                    + "(n - 1) / seq-len windows)")
    Integer stepsPerEpoch;

    @Option(names = "--plot", paramLabel = "FILE", defaultValue = "reports/char-lm.png",
            description = "PNG with the loss and next-character accuracy curves (default: ${DEFAULT-VALUE})")
    Path plot;

    @Option(names = "--patience", paramLabel = "N",
            description = "stop when the validation loss has not improved for N epochs, checkpoint every improvement "
                    + "(with the vocabulary as " + DIR_VOCABULARY + ") and end with the best epoch's weights "
                    + "(default: train every epoch)")
    Integer patience;

    @Option(names = "--checkpoint-dir", paramLabel = "DIR", defaultValue = "checkpoints",
            description = "with --patience, where the best epochs' checkpoints go, named " + BEST_CHECKPOINT_NAME
                    + " (default: ${DEFAULT-VALUE})")
    Path checkpointDir;

    @Option(names = "--generate", paramLabel = "FILE",
            description = "do not train: sample from this checkpoint (--checkpoint's file or a best-epoch one), with "
                    + "the vocabulary written beside it (FILE" + VOCABULARY_SUFFIX + " or " + DIR_VOCABULARY + ")")
    Path generate;

    @Option(names = "--temperature", paramLabel = "T", split = ",", defaultValue = "0.5,1.0,1.5",
            description = "one sample per temperature, comma-separated; 0 is the argmax (default: ${DEFAULT-VALUE})")
    List<Double> temperatures;

    @Option(names = "--prime", paramLabel = "TEXT",
            description = "the text the samples continue (default: a newline, or the vocabulary's first character)")
    String prime;

    @Option(names = "--length", paramLabel = "N", defaultValue = "500",
            description = "characters generated per sample (default: ${DEFAULT-VALUE})")
    int length;

    @Option(names = "--top-k", paramLabel = "K",
            description = "draw only among the K most likely characters (default: all)")
    Integer topK;

    /** The shared options and the model's and data's. */
    public static final class Options extends TrainingOptions {

        @Option(names = "--data", paramLabel = "FILE", defaultValue = CharCorpus.DEFAULT_FILE,
                description = "a UTF-8 text file (default: ${DEFAULT-VALUE}, relative to the working directory)")
        Path data;

        @Option(names = "--cell", paramLabel = "CELL", defaultValue = "lstm",
                description = "recurrent cell: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
        CharLm.Cell cell;

        @Option(names = "--layers", paramLabel = "N", defaultValue = "1",
                description = "recurrent layers (default: ${DEFAULT-VALUE})")
        int layers;

        @Option(names = "--hidden", paramLabel = "H", defaultValue = "256",
                description = "hidden size of the recurrent layers (default: ${DEFAULT-VALUE})")
        int hidden;

        @Option(names = "--embedding", paramLabel = "E", defaultValue = "64",
                description = "character embedding size (default: ${DEFAULT-VALUE})")
        int embedding;

        @Option(names = "--dropout", paramLabel = "P", defaultValue = "0",
                description = "dropout between recurrent layers, with --layers 2 or more (default: ${DEFAULT-VALUE})")
        float dropout;

        @Option(names = "--seq-len", paramLabel = "L", defaultValue = "100",
                description = "characters per training window (default: ${DEFAULT-VALUE})")
        int seqLen;

        @Option(names = "--batch-size", paramLabel = "N", defaultValue = "64",
                description = "windows per batch (default: ${DEFAULT-VALUE})")
        int batchSize;

        @Option(names = "--stateful",
                description = "train on batch-size in-order streams of the text, carrying the state from batch to "
                        + "batch (detached); an epoch is one pass")
        boolean stateful;

        @Option(names = "--clip-norm", paramLabel = "X", defaultValue = "0",
                description = "clip the global gradient norm to X (default: ${DEFAULT-VALUE}, no clipping, as W7)")
        double clipNorm;

        @Option(names = "--train-fraction", paramLabel = "F", defaultValue = "0.9",
                description = "the first part of the text trained on; the rest validates (default: ${DEFAULT-VALUE})")
        double trainFraction;

        @Option(names = "--validation-batches", paramLabel = "N", defaultValue = "16",
                description = "fixed batches of random windows of the validation text evaluated after each epoch "
                        + "(default: ${DEFAULT-VALUE}, as W7)")
        int validationBatches;

        @Override
        public int batchSize() {
            return batchSize;
        }

        @Override
        protected void validate() {
            super.validate();
            require(layers >= 1, "--layers must be at least 1, got " + layers);
            require(hidden >= 1, "--hidden must be at least 1, got " + hidden);
            require(embedding >= 1, "--embedding must be at least 1, got " + embedding);
            require(dropout >= 0 && dropout < 1, "--dropout must be in [0, 1), got " + dropout);
            require(seqLen >= 1, "--seq-len must be at least 1, got " + seqLen);
            require(clipNorm >= 0 && Double.isFinite(clipNorm), "--clip-norm must be 0 or more, got " + clipNorm);
            require(trainFraction > 0 && trainFraction < 1,
                    "--train-fraction must be between 0 and 1 (exclusive), got " + trainFraction);
            require(validationBatches >= 1, "--validation-batches must be at least 1, got " + validationBatches);
        }
    }

    /** W7's learning rate as {@code --lr}'s default here (the other trainers keep 1e-3). */
    public static final class Defaults implements CommandLine.IDefaultValueProvider {
        @Override
        public String defaultValue(ArgSpec argument) {
            return argument instanceof OptionSpec option && option.longestName().equals("--lr") ? "2e-3" : null;
        }
    }

    private CharCorpus corpus;
    private CharLm model;
    private Throughput throughput;
    private final List<Callback> callbacks = new ArrayList<>();

    @Override
    protected TrainingOptions options() {
        return options;
    }

    @Override
    protected int epochs() {
        return epochs != null ? epochs : steps != null ? 1 : DEFAULT_EPOCHS;
    }

    @Override
    protected Path plot() {
        return plot;
    }

    @Override
    protected BestEpoch bestEpoch() {
        return patience == null ? null : new BestEpoch(patience, checkpointDir, BEST_CHECKPOINT_NAME);
    }

    @Override
    protected List<Callback> extraCallbacks() {
        return callbacks;
    }

    @Override
    public Integer call() {
        return generate == null ? super.call() : generateOnly();
    }

    private void validateSampling() {
        options.require(length >= 1, "--length must be at least 1, got " + length);
        options.require(topK == null || topK >= 1, "--top-k must be at least 1, got " + topK);
        options.require(!temperatures.isEmpty(), "--temperature needs at least one value");
        for (double t : temperatures) {
            options.require(t >= 0 && Double.isFinite(t), "--temperature values must be finite and >= 0, got " + t);
        }
        options.require(prime == null || !prime.isEmpty(), "--prime must not be empty (leave it out for a newline)");
    }

    @Override
    protected Run prepare() {
        validateSampling();
        options.require(patience == null || patience >= 0, "--patience must be at least 0, got " + patience);
        options.require(steps == null || steps >= 1, "--steps must be at least 1, got " + steps);
        options.require(stepsPerEpoch == null || stepsPerEpoch >= 1,
                "--steps-per-epoch must be at least 1, got " + stepsPerEpoch);
        options.require(steps == null || stepsPerEpoch == null, "give --steps (a total) or --steps-per-epoch, not both");
        options.require(steps == null || steps % epochs() == 0,
                "--steps " + steps + " does not spread evenly over --epochs " + epochs() + "; give a multiple");
        options.require(!options.stateful || (steps == null && stepsPerEpoch == null),
                "--stateful epochs are one in-order pass over the text: --steps and --steps-per-epoch do not apply");
        options.start();
        corpus = CharCorpus.load(options.data, options.trainFraction);
        CharVocabulary vocabulary = corpus.vocabulary();
        String primeText = primeText(vocabulary);
        checkPrime(vocabulary, primeText, "the vocabulary of " + options.data);
        int batch = options.batchSize;
        int seqLen = options.seqLen;
        int[] trainIds = corpus.split().train();
        int[] validationIds = corpus.split().validation();

        DataLoader train;
        int perEpoch;
        if (options.stateful) {
            TextStreams streams = dataPart(() -> new TextStreams(trainIds, batch, seqLen), "training", trainIds.length);
            train = streams.loader();
            perEpoch = streams.batches();
        } else {
            TextWindows windows = dataPart(() -> new TextWindows(trainIds, seqLen), "training", trainIds.length);
            perEpoch = steps != null ? steps / epochs() : stepsPerEpoch != null ? stepsPerEpoch
                    : Math.max(1, (trainIds.length - 1) / seqLen / batch);
            if ((long) perEpoch * batch > windows.size()) {
                throw new ExampleFailure(perEpoch + " steps of " + batch + " distinct windows per epoch need "
                        + (long) perEpoch * batch + " window offsets, the training text of " + trainIds.length
                        + " characters has " + windows.size() + "; train more epochs of fewer steps");
            }
            train = windows.randomBatches(batch, perEpoch * batch, options.seed());
        }
        TextWindows validation = dataPart(() -> new TextWindows(validationIds, seqLen), "validation",
                validationIds.length);
        int validationBatches = Math.min(options.validationBatches, validation.size() / batch);
        if (validationBatches == 0) {
            throw new ExampleFailure("the validation text of " + validationIds.length + " characters has "
                    + validation.size() + " windows of " + seqLen + ", fewer than one batch of " + batch
                    + "; use a longer text, a smaller --batch-size or --seq-len, or a lower --train-fraction");
        }
        DataLoader evaluated = validation.randomBatches(batch, validationBatches * batch, options.seed() + 1);

        options.seedWeights();
        model = new CharLm(options.cell, vocabulary.size(), options.embedding, options.hidden, options.layers,
                options.dropout);
        StatefulForward forward = new StatefulForward(model, options.stateful);
        CrossEntropyLoss loss = new CrossEntropyLoss();
        Trainer trainer = Trainer.builder(model)
                .forward(forward)
                .objective((logits, b) -> {
                    IndexTensor targets = CharLm.timeMajor(b.indices(Batch.TARGETS));
                    return loss.forward(logits, targets.reshape(targets.numel()));
                })
                .optimizer(options.optimizer(model.parameters()))
                .metrics(new TimeMajorAccuracy())
                .build();
        if (options.clipNorm > 0) {
            trainer.clipGradNorm(options.clipNorm);
        }
        throughput = new Throughput((long) batch * seqLen);
        callbacks.addAll(List.of(throughput, new PerplexityLog(), forward));
        List<Path> vocabularyFiles = saveVocabulary(vocabulary);

        double unigram = corpus.unigramLoss();
        System.out.printf(Locale.ROOT, "%s: %s on %s (%d training, %d validation characters, %d distinct), %s, "
                        + "%d steps of %d windows of %d per epoch, %s%n", options.name(), model.description(),
                options.data, trainIds.length, validationIds.length, vocabulary.size(),
                options.stateful ? "stateful in-order streams" : "windows at random offsets", perEpoch, batch, seqLen,
                options.settings());
        System.out.printf(Locale.ROOT, "validation: %d fixed batches; unigram baseline %.4f nats/char%n",
                validationBatches, unigram);
        System.out.print(model.summary(() -> model.forward(IndexTensor.zeros(seqLen, batch), null)));

        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("cell", options.cell.toString());
        settings.put("layers", options.layers);
        settings.put("hidden", options.hidden);
        settings.put("embedding", options.embedding);
        settings.put("dropout", options.dropout);
        settings.put("seq_len", seqLen);
        settings.put("stateful", options.stateful);
        settings.put("clip_norm", options.clipNorm);
        settings.put("steps_per_epoch", perEpoch);
        settings.put("train_fraction", options.trainFraction);
        settings.put("vocabulary_size", vocabulary.size());
        settings.put("training_chars", trainIds.length);
        settings.put("validation_chars", validationIds.length);
        settings.put("validation_batches", validationBatches);
        settings.put("unigram_baseline_loss", unigram);
        settings.put("vocabulary_files", vocabularyFiles.stream().map(Path::toString).toList());
        String title = "char-" + options.cell.name() + " " + options.hidden;
        return new Run(options.data, model.description(), trainer, train, evaluated, "validation", title, settings);
    }

    /** The data part of {@code kind}, or a failure saying why the text is too short for it. */
    private <T> T dataPart(java.util.function.Supplier<T> make, String kind, int characters) {
        try {
            return make.get();
        } catch (IllegalArgumentException e) {
            throw new ExampleFailure("the " + kind + " text of " + options.data + " (" + characters
                    + " characters) is too short: " + e.getMessage()
                    + "; use a longer text or a smaller --seq-len or --batch-size");
        }
    }

    /** Writes the vocabulary beside the checkpoints this run writes, so --generate needs no corpus. */
    private List<Path> saveVocabulary(CharVocabulary vocabulary) {
        List<Path> files = new ArrayList<>();
        if (checkpointFile() != null) {
            files.add(besideCheckpoint(checkpointFile()));
        }
        if (patience != null) {
            files.add(checkpointDir.resolve(DIR_VOCABULARY));
        }
        for (Path file : files) {
            try {
                vocabulary.save(file);
            } catch (IOException e) {
                throw new ExampleFailure("cannot write the vocabulary " + file.toAbsolutePath() + ": " + e, e);
            }
        }
        return files;
    }

    static Path besideCheckpoint(Path checkpoint) {
        return checkpoint.resolveSibling(checkpoint.getFileName() + VOCABULARY_SUFFIX);
    }

    private String primeText(CharVocabulary vocabulary) {
        if (prime != null) {
            return prime;
        }
        return vocabulary.contains('\n') ? "\n" : vocabulary.character(0);
    }

    private static void checkPrime(CharVocabulary vocabulary, String text, String where) {
        try {
            vocabulary.encode(text);
        } catch (IllegalArgumentException e) {
            throw new ExampleFailure("--prime: " + e.getMessage() + " (" + where + ")");
        }
    }

    @Override
    protected Map<String, Object> afterTraining(Run run, History history) {
        Map<String, Object> extra = new LinkedHashMap<>();
        List<Double> losses = history.get("val_loss");
        List<Double> perplexities = losses.stream().map(Math::exp).toList();
        double last = losses.isEmpty() ? Double.NaN : losses.get(losses.size() - 1);
        System.out.printf(Locale.ROOT, "validation loss per epoch: %s nats/char (unigram baseline %.4f)%n",
                format(losses), corpus.unigramLoss());
        System.out.printf(Locale.ROOT, "validation perplexity per epoch: %s%n", format(perplexities));
        double median = throughput.median();
        double overall = throughput.overall();
        double[] windows = throughput.windows();
        if (windows.length == 0) {
            System.out.printf(Locale.ROOT, "training: %.0f characters/s over all %d steps of this run (too few for a "
                    + "window of %d steps after %d warm-up steps)%n", overall, throughput.steps(), Throughput.WINDOW,
                    Throughput.WARM_UP);
        } else {
            System.out.printf(Locale.ROOT, "training: %.0f characters/s (median of %d windows of %d steps after %d "
                            + "warm-up steps; %.0f over all %d steps of this run)%n", median, windows.length,
                    Throughput.WINDOW, Throughput.WARM_UP, overall, throughput.steps());
        }
        extra.put("val_losses", losses);
        extra.put("val_perplexities", perplexities);
        extra.put("last_val_loss", last);
        extra.put("last_val_perplexity", Math.exp(last));
        extra.put("train_chars_per_sec", median);
        extra.put("train_chars_per_sec_windows", windows);
        extra.put("train_chars_per_sec_overall", overall);
        extra.put("timed_steps", throughput.steps());
        extra.putAll(sample(model, corpus.vocabulary(), primeText(corpus.vocabulary())));
        return extra;
    }

    /** Prints one sample per temperature and returns the report's record of them. */
    private Map<String, Object> sample(CharLm lm, CharVocabulary vocabulary, String primeText) {
        CharSampler sampler = new CharSampler(lm, vocabulary);
        int k = topK == null ? Integer.MAX_VALUE : topK;
        Map<String, String> samples = new LinkedHashMap<>();
        for (double t : temperatures) {
            // Each temperature from the same seed: one sample is reproducible without the others.
            String text = sampler.generate(primeText, length, t, k, new SplittableRandom(options.seed()));
            System.out.printf(Locale.ROOT, "--- sample, temperature %s%s, seed %d ---%n%s%s%n", t,
                    topK == null ? "" : ", top-k " + topK, options.seed(), primeText, text);
            samples.put(Double.toString(t), text);
        }
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("prime", primeText);
        record.put("sample_length", length);
        record.put("sample_seed", options.seed());
        record.put("top_k", topK);
        record.put("samples", samples);
        return record;
    }

    private static String format(List<Double> values) {
        return values.stream().map(v -> String.format(Locale.ROOT, "%.4f", v)).toList().toString();
    }

    /** {@code --generate}: the model and vocabulary of a checkpoint, then the samples; no corpus is read. */
    private int generateOnly() {
        validateSampling();
        options.require(checkpointFile() == null && patience == null && steps == null,
                "--generate does not train: --checkpoint, --patience and --steps do not apply");
        options.start();
        Map<String, Tensor> state = readWeights(generate);
        CharLm lm;
        try {
            lm = CharLm.describedBy(state);
            lm.loadStateDict(state);
        } catch (IllegalArgumentException e) {
            throw new ExampleFailure("--generate " + generate + ": not a char-lm checkpoint: " + e.getMessage(), e);
        }
        Path vocabularyFile = findVocabulary(generate);
        CharVocabulary vocabulary;
        try {
            vocabulary = CharVocabulary.load(vocabularyFile);
        } catch (IOException e) {
            throw new ExampleFailure("cannot read the vocabulary " + vocabularyFile + ": " + e.getMessage(), e);
        }
        if (vocabulary.size() != lm.vocabularySize()) {
            throw new ExampleFailure("the vocabulary " + vocabularyFile + " has " + vocabulary.size()
                    + " characters but the model in " + generate + " predicts " + lm.vocabularySize());
        }
        String primeText = primeText(vocabulary);
        checkPrime(vocabulary, primeText, "the vocabulary " + vocabularyFile);
        System.out.printf(Locale.ROOT, "%s: %s from %s, vocabulary %s (%d characters)%n", options.name(),
                lm.description(), generate, vocabularyFile, vocabulary.size());
        Map<String, Object> record = sample(lm, vocabulary, primeText);
        if (options.report() != null) {
            TrainingReport report = new TrainingReport().put("command", options.name())
                    .put("generate", generate.toString()).put("model", lm.description())
                    .put("vocabulary", vocabularyFile.toString());
            record.forEach(report::put);
            report.write(options.report());
            System.out.println("report: " + options.report());
        }
        return 0;
    }

    /** The model's state dict from a training checkpoint ({@code model.*}) or a weights file. */
    private static Map<String, Tensor> readWeights(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ExampleFailure("--generate " + file + ": no such file (train with --checkpoint FILE to write one)");
        }
        Map<String, Tensor> all;
        try {
            all = SafeTensors.read(file).toTensors();
        } catch (IOException | RuntimeException e) {
            throw new ExampleFailure("--generate " + file + ": cannot read it as a checkpoint: " + e.getMessage(), e);
        }
        boolean checkpoint = all.keySet().stream().anyMatch(k -> k.startsWith("model."));
        if (!checkpoint) {
            return all;
        }
        Map<String, Tensor> model = new LinkedHashMap<>();
        all.forEach((name, t) -> {
            if (name.startsWith("model.")) {
                model.put(name.substring("model.".length()), t);
            }
        });
        return model;
    }

    /** FILE.vocab.json, else vocab.json in FILE's folder. */
    private static Path findVocabulary(Path checkpoint) {
        List<Path> candidates = Arrays.asList(besideCheckpoint(checkpoint), checkpoint.resolveSibling(DIR_VOCABULARY));
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new ExampleFailure("no vocabulary beside the checkpoint " + checkpoint + ": looked for "
                + candidates.get(0) + " and " + candidates.get(1) + " (char-lm writes one there when it trains with "
                + "--checkpoint or --patience)", new NoSuchFileException(candidates.get(0).toString()));
    }
}
