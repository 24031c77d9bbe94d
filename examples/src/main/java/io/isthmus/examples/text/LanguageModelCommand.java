package io.isthmus.examples.text;

import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import io.isthmus.data.CharVocabulary;
import io.isthmus.data.DataLoader;
import io.isthmus.data.TextWindows;
import io.isthmus.examples.ExampleFailure;
import io.isthmus.examples.common.BestEpoch;
import io.isthmus.examples.common.EpochTrainerCommand;
import io.isthmus.examples.common.TrainingOptions;
import io.isthmus.examples.common.TrainingReport;
import io.isthmus.io.SafeTensors;
import io.isthmus.tensor.Tensor;
import io.isthmus.train.Callback;
import io.isthmus.train.History;
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
import java.util.function.Supplier;

/**
 * What the character language-model trainers ({@code char-lm}, {@code gpt}) share besides
 * {@link EpochTrainerCommand}'s loop: training by steps ({@code --steps}, {@code --steps-per-epoch})
 * on windows at random offsets, early stopping ({@code --patience}), the vocabulary written beside
 * every checkpoint so that {@code --generate FILE} samples from a checkpoint without the corpus,
 * the sampling options ({@code --temperature}, {@code --prime}, {@code --length}, {@code --top-k}, {@code --top-p}),
 * and the report's language-model figures: validation loss and perplexity per epoch, training
 * tokens per second (median of windows after a warm-up, as the PyTorch anchors measure it), the
 * samples and the generation speed.
 *
 * <p>A subclass declares {@code --epochs} and {@code --plot} with its defaults, its model's
 * options in a {@link TrainingOptions} mixin, prepares the run, and rebuilds its model from a
 * state dict for {@code --generate}.
 */
public abstract class LanguageModelCommand extends EpochTrainerCommand {

    /** The vocabulary beside a {@code --checkpoint FILE}: FILE + this suffix. */
    public static final String VOCABULARY_SUFFIX = ".vocab.json";
    /** The vocabulary in a {@code --checkpoint-dir} (for the best epochs' checkpoints). */
    public static final String DIR_VOCABULARY = "vocab.json";
    /** The model's settings the weights do not tell (e.g. gpt's heads) beside a {@code --checkpoint FILE}. */
    public static final String SETTINGS_SUFFIX = ".model.json";
    /** The same in a {@code --checkpoint-dir}. */
    public static final String DIR_SETTINGS = "model.json";
    private static final Gson GSON = new Gson();

    @Option(names = "--steps", paramLabel = "N",
            description = "training steps (batches) in total, spread evenly over --epochs (then 1 by default)")
    protected Integer steps;

    @Option(names = "--steps-per-epoch", paramLabel = "N",
            description = "batches of random windows per epoch (default: about one pass over the training text, "
                    + "(n - 1) / window windows)")
    protected Integer stepsPerEpoch;

    @Option(names = "--patience", paramLabel = "N",
            description = "stop when the validation loss has not improved for N epochs, checkpoint every improvement "
                    + "(with the vocabulary as " + DIR_VOCABULARY + ") and end with the best epoch's weights "
                    + "(default: train every epoch)")
    protected Integer patience;

    @Option(names = "--checkpoint-dir", paramLabel = "DIR", defaultValue = "checkpoints",
            description = "with --patience, where the best epochs' checkpoints go, named "
                    + "COMMAND-{epoch:02d}-{val_loss:.4f}.safetensors (default: ${DEFAULT-VALUE})")
    protected Path checkpointDir;

    @Option(names = "--generate", paramLabel = "FILE",
            description = "do not train: sample from this checkpoint (--checkpoint's file or a best-epoch one), with "
                    + "the vocabulary written beside it (FILE" + VOCABULARY_SUFFIX + " or " + DIR_VOCABULARY + ")")
    protected Path generate;

    @Option(names = "--temperature", paramLabel = "T", split = ",", defaultValue = "0.5,1.0,1.5",
            description = "one sample per temperature, comma-separated; 0 is the argmax (default: ${DEFAULT-VALUE})")
    protected List<Double> temperatures;

    @Option(names = "--prime", paramLabel = "TEXT",
            description = "the text the samples continue (default: a newline, or the vocabulary's first character)")
    protected String prime;

    @Option(names = "--length", paramLabel = "N", defaultValue = "500",
            description = "characters generated per sample (default: ${DEFAULT-VALUE})")
    protected int length;

    @Option(names = "--top-k", paramLabel = "K",
            description = "draw only among the K most likely characters (default: all)")
    protected Integer topK;

    @Option(names = "--top-p", paramLabel = "P", defaultValue = "1",
            description = "draw only among the most likely characters whose probabilities add up to P, "
                    + "nucleus sampling (default: ${DEFAULT-VALUE}, all)")
    protected double topP;

    /** The subclass's {@code --epochs}, or null when not given. */
    protected abstract Integer epochsOption();

    /** The shared options with the text's: {@code --data}, {@code --train-fraction}, {@code --validation-batches}. */
    @Override
    protected abstract TextTrainingOptions options();

    /** The trained model as a generator, for the samples after training. */
    protected abstract TextGenerator trainedGenerator();

    private CharCorpus corpus;
    private Throughput throughput;
    private final List<Callback> callbacks = new ArrayList<>();

    /** Epochs without {@code --epochs} or {@code --steps}. */
    protected abstract int defaultEpochs();

    /** The option that sets the window length, for messages: "--seq-len" or "--context". */
    protected abstract String windowOption();

    /** Tokens per step in the report's keys: "chars" ({@code train_chars_per_sec}) or "tokens". */
    protected abstract String unit();

    /**
     * The model a {@code --generate} checkpoint's state dict describes, its weights loaded.
     *
     * @throws IllegalArgumentException when the state dict is not one of this command's models
     */
    protected abstract TextGenerator restore(Map<String, Tensor> state, Map<String, String> settings);

    /**
     * Settings of the model that its weights do not tell, written beside the checkpoints as
     * JSON and given back to {@link #restore} (default none: no file).
     */
    protected Map<String, String> modelSettings() {
        return Map.of();
    }

    @Override
    protected int epochs() {
        Integer given = epochsOption();
        return given != null ? given : steps != null ? 1 : defaultEpochs();
    }

    @Override
    protected BestEpoch bestEpoch() {
        return patience == null ? null : new BestEpoch(patience, checkpointDir,
                options().name() + "-{epoch:02d}-{val_loss:.4f}.safetensors");
    }

    @Override
    public Integer call() {
        return generate == null ? super.call() : generateOnly();
    }

    /** Checks the sampling options (usage errors). */
    protected void validateSampling() {
        TrainingOptions options = options();
        options.require(length >= 1, "--length must be at least 1, got " + length);
        options.require(topK == null || topK >= 1, "--top-k must be at least 1, got " + topK);
        options.require(topP > 0 && topP <= 1, "--top-p must be in (0, 1], got " + topP);
        options.require(!temperatures.isEmpty(), "--temperature needs at least one value");
        for (double t : temperatures) {
            options.require(t >= 0 && Double.isFinite(t), "--temperature values must be finite and >= 0, got " + t);
        }
        options.require(prime == null || !prime.isEmpty(), "--prime must not be empty (leave it out for a newline)");
    }

    /** Checks the training-length options (usage errors). */
    protected void validateSteps() {
        TrainingOptions options = options();
        options.require(patience == null || patience >= 0, "--patience must be at least 0, got " + patience);
        options.require(steps == null || steps >= 1, "--steps must be at least 1, got " + steps);
        options.require(stepsPerEpoch == null || stepsPerEpoch >= 1,
                "--steps-per-epoch must be at least 1, got " + stepsPerEpoch);
        options.require(steps == null || stepsPerEpoch == null, "give --steps (a total) or --steps-per-epoch, not both");
        options.require(steps == null || steps % epochs() == 0,
                "--steps " + steps + " does not spread evenly over --epochs " + epochs() + "; give a multiple");
    }

    /**
     * Training batches of {@code batch} windows of {@code window} at random offsets of the
     * {@linkplain #loadCorpus corpus}'s training text, fresh offsets every epoch:
     * {@code --steps / epochs}, {@code --steps-per-epoch}, or about one pass over the text per epoch.
     */
    protected DataLoader trainWindows(int window, int batch) {
        Path data = options().data;
        int[] trainIds = corpus.split().train();
        TextWindows windows = dataPart(() -> new TextWindows(trainIds, window), data, "training", trainIds.length);
        int perEpoch = steps != null ? steps / epochs() : stepsPerEpoch != null ? stepsPerEpoch
                : Math.max(1, (trainIds.length - 1) / window / batch);
        if ((long) perEpoch * batch > windows.size()) {
            throw new ExampleFailure(perEpoch + " steps of " + batch + " distinct windows per epoch need "
                    + (long) perEpoch * batch + " window offsets, the training text of " + trainIds.length
                    + " characters has " + windows.size() + "; train more epochs of fewer steps");
        }
        return windows.randomBatches(batch, perEpoch * batch, options().seed());
    }

    /**
     * {@code --validation-batches} (at most; fewer when the text is short) fixed batches of windows
     * at random offsets of the {@linkplain #loadCorpus corpus}'s validation text, the same every epoch.
     */
    protected DataLoader validationWindows(int window, int batch) {
        Path data = options().data;
        int[] validationIds = corpus.split().validation();
        int wanted = options().validationBatches;
        TextWindows validation = dataPart(() -> new TextWindows(validationIds, window), data, "validation",
                validationIds.length);
        int batches = Math.min(wanted, validation.size() / batch);
        if (batches == 0) {
            throw new ExampleFailure("the validation text of " + validationIds.length + " characters has "
                    + validation.size() + " windows of " + window + ", fewer than one batch of " + batch
                    + "; use a longer text, a smaller --batch-size or " + windowOption()
                    + ", or a lower --train-fraction");
        }
        return validation.randomBatches(batch, batches * batch, options().seed() + 1);
    }

    /** The data part {@code make} builds, or a failure saying why the text is too short for it. */
    protected <T> T dataPart(Supplier<T> make, Path data, String kind, int characters) {
        try {
            return make.get();
        } catch (IllegalArgumentException e) {
            throw new ExampleFailure("the " + kind + " text of " + data + " (" + characters
                    + " characters) is too short: " + e.getMessage()
                    + "; use a longer text or a smaller " + windowOption() + " or --batch-size");
        }
    }

    /**
     * Reads {@code --data} split at {@code --train-fraction}, and fails when the prime has a
     * character outside its vocabulary (before any training).
     */
    protected CharCorpus loadCorpus() {
        TextTrainingOptions options = options();
        corpus = CharCorpus.load(options.data, options.trainFraction);
        checkPrime(corpus.vocabulary(), primeText(corpus.vocabulary()), "the vocabulary of " + options.data);
        return corpus;
    }

    /** The training speed's callback for steps of {@code tokensPerStep} tokens, registered for this run. */
    protected Throughput measureThroughput(long tokensPerStep, int window) {
        throughput = new Throughput(tokensPerStep, window);
        callbacks.add(throughput);
        return throughput;
    }

    /** Another callback of this run (after the throughput's). */
    protected void addCallback(Callback callback) {
        callbacks.add(callback);
    }

    @Override
    protected List<Callback> extraCallbacks() {
        return callbacks;
    }

    /** What every language model's report says of its text (after its own settings). */
    protected void putTextSettings(Map<String, Object> settings, int validationBatches, List<Path> vocabularyFiles) {
        int[] train = corpus.split().train();
        int[] validation = corpus.split().validation();
        settings.put("train_fraction", options().trainFraction);
        settings.put("vocabulary_size", corpus.vocabulary().size());
        settings.put("training_chars", train.length);
        settings.put("validation_chars", validation.length);
        settings.put("validation_batches", validationBatches);
        settings.put("unigram_baseline_loss", corpus.unigramLoss());
        settings.put("vocabulary_files", vocabularyFiles.stream().map(Path::toString).toList());
    }

    /** The validation losses and training speed, then one sample per temperature. */
    @Override
    protected Map<String, Object> afterTraining(Run run, History history) {
        Map<String, Object> extra = trainingFigures(history, corpus.unigramLoss(), throughput);
        extra.putAll(sample(trainedGenerator(), corpus.vocabulary(), primeText(corpus.vocabulary())));
        return extra;
    }

    /** Writes the vocabulary beside the checkpoints this run writes, so --generate needs no corpus. */
    protected List<Path> saveVocabulary(CharVocabulary vocabulary) {
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
        Map<String, String> settings = modelSettings();
        if (!settings.isEmpty()) {
            List<Path> settingsFiles = new ArrayList<>();
            if (checkpointFile() != null) {
                settingsFiles.add(checkpointFile().resolveSibling(checkpointFile().getFileName() + SETTINGS_SUFFIX));
            }
            if (patience != null) {
                settingsFiles.add(checkpointDir.resolve(DIR_SETTINGS));
            }
            for (Path file : settingsFiles) {
                try {
                    Files.writeString(file, GSON.toJson(settings));
                } catch (IOException e) {
                    throw new ExampleFailure("cannot write the model settings " + file.toAbsolutePath() + ": " + e, e);
                }
            }
            files.addAll(settingsFiles);
        }
        return files;
    }

    /** FILE + {@value #VOCABULARY_SUFFIX}. */
    public static Path besideCheckpoint(Path checkpoint) {
        return checkpoint.resolveSibling(checkpoint.getFileName() + VOCABULARY_SUFFIX);
    }

    /** {@code --prime}, or a newline, or the vocabulary's first character. */
    protected String primeText(CharVocabulary vocabulary) {
        if (prime != null) {
            return prime;
        }
        return vocabulary.contains('\n') ? "\n" : vocabulary.character(0);
    }

    /** Fails, naming the character and {@code where} the vocabulary came from, when the prime has one outside it. */
    protected static void checkPrime(CharVocabulary vocabulary, String text, String where) {
        try {
            vocabulary.encode(text);
        } catch (IllegalArgumentException e) {
            throw new ExampleFailure("--prime: " + e.getMessage() + " (" + where + ")");
        }
    }

    /**
     * Prints and returns the language-model figures of a training run: validation loss and
     * perplexity per epoch against the unigram baseline, and the training speed.
     */
    protected Map<String, Object> trainingFigures(History history, double unigram, Throughput throughput) {
        Map<String, Object> extra = new LinkedHashMap<>();
        List<Double> losses = history.get("val_loss");
        List<Double> perplexities = losses.stream().map(Math::exp).toList();
        double last = losses.isEmpty() ? Double.NaN : losses.get(losses.size() - 1);
        System.out.printf(Locale.ROOT, "validation loss per epoch: %s nats/char (unigram baseline %.4f)%n",
                format(losses), unigram);
        System.out.printf(Locale.ROOT, "validation perplexity per epoch: %s%n", format(perplexities));
        double median = throughput.median();
        double overall = throughput.overall();
        double[] windows = throughput.windows();
        String unit = unit().equals("chars") ? "characters" : unit();
        if (windows.length == 0) {
            System.out.printf(Locale.ROOT, "training: %.0f %s/s over all %d steps of this run (too few for a "
                    + "window of %d steps after %d warm-up steps)%n", overall, unit, throughput.steps(),
                    throughput.window(), Throughput.WARM_UP);
        } else {
            System.out.printf(Locale.ROOT, "training: %.0f %s/s (median of %d windows of %d steps after %d "
                            + "warm-up steps; %.0f over all %d steps of this run)%n", median, unit, windows.length,
                    throughput.window(), Throughput.WARM_UP, overall, throughput.steps());
        }
        extra.put("val_losses", losses);
        extra.put("val_perplexities", perplexities);
        extra.put("last_val_loss", last);
        extra.put("last_val_perplexity", Math.exp(last));
        extra.put("train_" + unit() + "_per_sec", median);
        extra.put("train_" + unit() + "_per_sec_windows", windows);
        extra.put("train_" + unit() + "_per_sec_overall", overall);
        extra.put("throughput_window_steps", throughput.window());
        extra.put("timed_steps", throughput.steps());
        return extra;
    }

    /**
     * Prints one sample per temperature, each drawn from {@code --seed} so that one is
     * reproducible without the others, and returns the report's record of them with the
     * generation speed (tokens generated per second over all samples, the prime's forward
     * included).
     */
    protected Map<String, Object> sample(TextGenerator generator, CharVocabulary vocabulary, String primeText) {
        int k = topK == null ? Integer.MAX_VALUE : topK;
        int[] primeIds = vocabulary.encode(primeText);
        Map<String, String> samples = new LinkedHashMap<>();
        long nanos = 0;
        long generated = 0;
        for (double t : temperatures) {
            SamplingRule rule = new SamplingRule(t, k, topP);
            long start = System.nanoTime();
            int[] ids = generator.generate(primeIds, length, rule, new SplittableRandom(options().seed()));
            nanos += System.nanoTime() - start;
            generated += ids.length;
            String text = vocabulary.decode(ids);
            System.out.printf(Locale.ROOT, "--- sample, %s, seed %d ---%n%s%s%n", rule.describe(), options().seed(),
                    primeText, text);
            samples.put(Double.toString(t), text);
        }
        double perSecond = generated / (nanos / 1e9);
        System.out.printf(Locale.ROOT, "generation: %.0f %s/s (%d samples of %d after a prime of %d)%n", perSecond,
                unit().equals("chars") ? "characters" : unit(), temperatures.size(), length, primeIds.length);
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("prime", primeText);
        record.put("sample_length", length);
        record.put("sample_seed", options().seed());
        record.put("top_k", topK);
        record.put("top_p", topP);
        record.put("samples", samples);
        record.put("generation_" + unit() + "_per_sec", perSecond);
        return record;
    }

    /** {@code --generate}: the model and vocabulary of a checkpoint, then the samples; no corpus is read. */
    private int generateOnly() {
        TrainingOptions options = options();
        validateSampling();
        options.require(checkpointFile() == null && patience == null && steps == null,
                "--generate does not train: --checkpoint, --patience and --steps do not apply");
        options.start();
        Map<String, Tensor> state = readWeights(generate);
        TextGenerator model;
        Map<String, String> settings = readSettings(generate);
        try {
            model = restore(state, settings);
        } catch (IllegalArgumentException e) {
            throw new ExampleFailure("--generate " + generate + ": not a " + options.name() + " checkpoint: "
                    + e.getMessage(), e);
        }
        Path vocabularyFile = findVocabulary(generate, options.name());
        CharVocabulary vocabulary;
        try {
            vocabulary = CharVocabulary.load(vocabularyFile);
        } catch (IOException e) {
            throw new ExampleFailure("cannot read the vocabulary " + vocabularyFile + ": " + e.getMessage(), e);
        }
        if (vocabulary.size() != model.vocabularySize()) {
            throw new ExampleFailure("the vocabulary " + vocabularyFile + " has " + vocabulary.size()
                    + " characters but the model in " + generate + " predicts " + model.vocabularySize());
        }
        String primeText = primeText(vocabulary);
        checkPrime(vocabulary, primeText, "the vocabulary " + vocabularyFile);
        System.out.printf(Locale.ROOT, "%s: %s from %s, vocabulary %s (%d characters)%n", options.name(),
                model.description(), generate, vocabularyFile, vocabulary.size());
        Map<String, Object> record = sample(model, vocabulary, primeText);
        if (options.report() != null) {
            TrainingReport report = new TrainingReport().put("command", options.name())
                    .put("generate", generate.toString()).put("model", model.description())
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

    /** FILE.model.json, else model.json in FILE's folder, else none (an empty map). */
    private static Map<String, String> readSettings(Path checkpoint) {
        for (Path candidate : List.of(checkpoint.resolveSibling(checkpoint.getFileName() + SETTINGS_SUFFIX),
                checkpoint.resolveSibling(DIR_SETTINGS))) {
            if (Files.isRegularFile(candidate)) {
                try {
                    Map<String, String> read = GSON.fromJson(Files.readString(candidate),
                            new TypeToken<Map<String, String>>() { }.getType());
                    return read == null ? Map.of() : read;
                } catch (IOException | RuntimeException e) {
                    throw new ExampleFailure("cannot read the model settings " + candidate + ": " + e.getMessage(), e);
                }
            }
        }
        return Map.of();
    }

    /** FILE.vocab.json, else vocab.json in FILE's folder. */
    private static Path findVocabulary(Path checkpoint, String command) {
        List<Path> candidates = Arrays.asList(besideCheckpoint(checkpoint), checkpoint.resolveSibling(DIR_VOCABULARY));
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new ExampleFailure("no vocabulary beside the checkpoint " + checkpoint + ": looked for "
                + candidates.get(0) + " and " + candidates.get(1) + " (" + command + " writes one there when it "
                + "trains with --checkpoint or --patience)", new NoSuchFileException(candidates.get(0).toString()));
    }

    private static String format(List<Double> values) {
        return values.stream().map(v -> String.format(Locale.ROOT, "%.4f", v)).toList().toString();
    }
}
