package io.isthmus.examples.charlm;

import io.isthmus.data.Batch;
import io.isthmus.data.CharVocabulary;
import io.isthmus.data.DataLoader;
import io.isthmus.data.TextStreams;
import io.isthmus.examples.text.CharCorpus;
import io.isthmus.examples.text.LanguageModelCommand;
import io.isthmus.examples.text.PerplexityLog;
import io.isthmus.examples.text.TextGenerator;
import io.isthmus.examples.text.TextTrainingOptions;
import io.isthmus.examples.text.Throughput;
import io.isthmus.loss.CrossEntropyLoss;
import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Tensor;
import io.isthmus.train.Trainer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
 * checkpoint without training, reading the vocabulary written beside it (the options and flows it
 * shares with {@code gpt} are {@link LanguageModelCommand}'s).
 */
@Command(name = "char-lm", mixinStandardHelpOptions = true, sortOptions = false,
        defaultValueProvider = CharLmCommand.Defaults.class,
        description = "Train a character language model (LSTM or GRU) on a text, Tiny Shakespeare by default, and "
                + "sample from it; or sample from a saved checkpoint (--generate).")
public final class CharLmCommand extends LanguageModelCommand {

    private static final int DEFAULT_EPOCHS = 5;

    @Mixin
    Options options;

    @Option(names = "--epochs", paramLabel = "N",
            description = "epochs in total; a resumed run continues up to this number (default: " + DEFAULT_EPOCHS
                    + ", or 1 with --steps; --steps 200 is W7's run)")
    Integer epochs;

    @Option(names = "--plot", paramLabel = "FILE", defaultValue = "reports/char-lm.png",
            description = "PNG with the loss and next-character accuracy curves (default: ${DEFAULT-VALUE})")
    Path plot;


    /** The shared options and the model's and data's. */
    public static final class Options extends TextTrainingOptions {


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
        }
    }

    /** W7's learning rate as {@code --lr}'s default here (the other trainers keep 1e-3). */
    public static final class Defaults implements CommandLine.IDefaultValueProvider {
        @Override
        public String defaultValue(ArgSpec argument) {
            return argument instanceof OptionSpec option && option.longestName().equals("--lr") ? "2e-3" : null;
        }
    }


    private CharLm model;

    @Override
    protected Options options() {
        return options;
    }

    @Override
    protected Integer epochsOption() {
        return epochs;
    }

    @Override
    protected int defaultEpochs() {
        return DEFAULT_EPOCHS;
    }

    @Override
    protected String windowOption() {
        return "--seq-len";
    }

    @Override
    protected String unit() {
        return "chars";
    }

    @Override
    protected Path plot() {
        return plot;
    }

    @Override
    protected Run prepare() {
        validateSampling();
        validateSteps();
        options.require(!options.stateful || (steps == null && stepsPerEpoch == null),
                "--stateful epochs are one in-order pass over the text: --steps and --steps-per-epoch do not apply");
        options.start();
        CharCorpus corpus = loadCorpus();
        CharVocabulary vocabulary = corpus.vocabulary();
        int batch = options.batchSize;
        int seqLen = options.seqLen;
        int[] trainIds = corpus.split().train();
        int[] validationIds = corpus.split().validation();

        DataLoader train;
        if (options.stateful) {
            TextStreams streams = dataPart(() -> new TextStreams(trainIds, batch, seqLen), options.data, "training",
                    trainIds.length);
            train = streams.loader();
        } else {
            train = trainWindows(seqLen, batch);
        }
        int perEpoch = train.batchesPerEpoch();
        DataLoader evaluated = validationWindows(seqLen, batch);
        int validationBatches = evaluated.batchesPerEpoch();

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
        measureThroughput((long) batch * seqLen, Throughput.W7_WINDOW);
        addCallback(new PerplexityLog());
        addCallback(forward);
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
        putTextSettings(settings, validationBatches, vocabularyFiles);
        String title = "char-" + options.cell.name() + " " + options.hidden;
        return new Run(options.data, model.description(), trainer, train, evaluated, "validation", title, settings);
    }

    @Override
    protected TextGenerator trainedGenerator() {
        return new CharSampler(model);
    }

    @Override
    protected TextGenerator restore(Map<String, Tensor> state, Map<String, String> settings) {
        CharLm lm = CharLm.describedBy(state);
        lm.loadStateDict(state);
        return new CharSampler(lm);
    }
}
