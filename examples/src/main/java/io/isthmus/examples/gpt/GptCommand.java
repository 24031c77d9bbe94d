package io.isthmus.examples.gpt;

import io.isthmus.data.Batch;
import io.isthmus.data.CharVocabulary;
import io.isthmus.data.DataLoader;
import io.isthmus.examples.common.OptimizerChoice;
import io.isthmus.examples.text.CharCorpus;
import io.isthmus.examples.text.LanguageModelCommand;
import io.isthmus.examples.text.PerplexityLog;
import io.isthmus.examples.text.TextGenerator;
import io.isthmus.examples.text.TextTrainingOptions;
import io.isthmus.examples.text.Throughput;
import io.isthmus.loss.CrossEntropyLoss;
import io.isthmus.nn.Gpt;
import io.isthmus.optim.AdamW;
import io.isthmus.optim.Optimizer;
import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Tensor;
import io.isthmus.train.Accuracy;
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
 * A decoder-only transformer on the characters of a text, Tiny Shakespeare by default, by default
 * the W8 recipe of {@code shared/anchors/pytorch/w8_tiny_gpt.py}: token Embedding(V, 128) +
 * learned position Embedding(128, 128), 2 pre-norm blocks of 4 heads of 32 and an MLP
 * 128 -> 512 -> 128 (exact GELU), final layer norm, Linear(128, V) ({@link Gpt}); AdamW lr 1e-3,
 * weight decay 0.01 on all parameters; batches of 32 windows of 129 characters at random offsets
 * of the first 90% (inputs 0..127, targets 1..128), mean cross-entropy over all positions;
 * validation on 16 fixed batches of the last 10%. {@code --steps 100} trains W8's 100 steps.
 *
 * <p>After training, samples at each {@code --temperature}, generated with the key/value cache
 * ({@link GptGenerator}, which also says how the context slides); {@code --generate FILE} samples
 * from a checkpoint without training (the heads, which the weights do not tell, are read from the
 * model settings written beside the checkpoint).
 */
@Command(name = "gpt", mixinStandardHelpOptions = true, sortOptions = false,
        defaultValueProvider = GptCommand.Defaults.class,
        description = "Train a small GPT (decoder-only transformer) on the characters of a text, Tiny Shakespeare by "
                + "default, and sample from it; or sample from a saved checkpoint (--generate).")
public final class GptCommand extends LanguageModelCommand {

    private static final int DEFAULT_EPOCHS = 3;

    @Mixin
    Options options;

    @Option(names = "--epochs", paramLabel = "N",
            description = "epochs in total; a resumed run continues up to this number (default: " + DEFAULT_EPOCHS
                    + ", or 1 with --steps; --steps 100 is W8's run)")
    Integer epochs;

    @Option(names = "--plot", paramLabel = "FILE", defaultValue = "reports/gpt.png",
            description = "PNG with the loss and next-character accuracy curves (default: ${DEFAULT-VALUE})")
    Path plot;

    /** The shared options and the model's and data's. */
    public static final class Options extends TextTrainingOptions {


        @Option(names = "--layers", paramLabel = "N", defaultValue = "2",
                description = "transformer blocks (default: ${DEFAULT-VALUE})")
        int layers;

        @Option(names = "--d-model", paramLabel = "E", defaultValue = "128",
                description = "embedding and block width (default: ${DEFAULT-VALUE})")
        int dModel;

        @Option(names = "--heads", paramLabel = "H", defaultValue = "4",
                description = "attention heads, dividing --d-model; --generate reads them from FILE"
                        + LanguageModelCommand.SETTINGS_SUFFIX + " beside the checkpoint, else takes this "
                        + "(default: ${DEFAULT-VALUE})")
        int heads;

        @Option(names = "--ff", paramLabel = "N", defaultValue = "512",
                description = "hidden width of each block's MLP (default: ${DEFAULT-VALUE})")
        int ff;

        @Option(names = "--context", paramLabel = "T", defaultValue = "128",
                description = "characters per training window and positions the model knows (default: ${DEFAULT-VALUE})")
        int context;

        @Option(names = "--dropout", paramLabel = "P", defaultValue = "0",
                description = "dropout on the embeddings, the attention probabilities and the residual branches "
                        + "(default: ${DEFAULT-VALUE}, as W8)")
        float dropout;

        @Option(names = "--weight-decay", paramLabel = "W", defaultValue = "0.01",
                description = "AdamW's decoupled weight decay, on all parameters as W8 (default: ${DEFAULT-VALUE})")
        double weightDecay;

        @Option(names = "--batch-size", paramLabel = "N", defaultValue = "32",
                description = "windows per batch (default: ${DEFAULT-VALUE})")
        int batchSize;



        @Override
        public int batchSize() {
            return batchSize;
        }

        @Override
        protected void validate() {
            super.validate();
            require(layers >= 1, "--layers must be at least 1, got " + layers);
            require(dModel >= 1, "--d-model must be at least 1, got " + dModel);
            require(heads >= 1 && dModel % heads == 0,
                    "--heads must divide --d-model " + dModel + ", got " + heads);
            require(ff >= 1, "--ff must be at least 1, got " + ff);
            require(context >= 1, "--context must be at least 1, got " + context);
            require(dropout >= 0 && dropout < 1, "--dropout must be in [0, 1), got " + dropout);
            require(weightDecay >= 0 && Double.isFinite(weightDecay),
                    "--weight-decay must be 0 or more, got " + weightDecay);
        }
    }

    /** W8's optimizer, AdamW, as {@code --optimizer}'s default here (the other trainers keep Adam). */
    public static final class Defaults implements CommandLine.IDefaultValueProvider {
        @Override
        public String defaultValue(ArgSpec argument) {
            return argument instanceof OptionSpec option && option.longestName().equals("--optimizer") ? "adamw" : null;
        }
    }

    private Gpt model;

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
        return "--context";
    }

    @Override
    protected String unit() {
        return "tokens";
    }

    @Override
    protected Path plot() {
        return plot;
    }

    @Override
    protected Run prepare() {
        validateSampling();
        validateSteps();
        options.start();
        CharCorpus corpus = loadCorpus();
        CharVocabulary vocabulary = corpus.vocabulary();
        int batch = options.batchSize;
        int context = options.context;
        int[] trainIds = corpus.split().train();
        int[] validationIds = corpus.split().validation();
        DataLoader train = trainWindows(context, batch);
        DataLoader evaluated = validationWindows(context, batch);
        int perEpoch = train.batchesPerEpoch();

        options.seedWeights();
        model = new Gpt(vocabulary.size(), context, options.dModel, options.heads, options.layers, options.ff,
                options.dropout);
        CrossEntropyLoss loss = new CrossEntropyLoss();
        Trainer trainer = Trainer.builder(model)
                .forward(b -> {
                    Tensor logits = model.forward(b.indices(Batch.INPUTS));
                    return logits.reshape(logits.size(0) * logits.size(1), logits.size(2));
                })
                .objective((logits, b) -> {
                    IndexTensor targets = b.indices(Batch.TARGETS);
                    return loss.forward(logits, targets.reshape(targets.numel()));
                })
                .optimizer(optimizer(model.parameters()))
                .metrics(new Accuracy())
                .build();
        measureThroughput((long) batch * context, Throughput.W8_WINDOW);
        addCallback(new PerplexityLog());
        List<Path> vocabularyFiles = saveVocabulary(vocabulary);

        double unigram = corpus.unigramLoss();
        System.out.printf(Locale.ROOT, "%s: %s, %d parameters, on %s (%d training, %d validation characters, "
                        + "%d distinct), %d steps of %d windows of %d per epoch, %s, weight decay %s%n", options.name(),
                model.description(), model.parameterCount(), options.data, trainIds.length, validationIds.length,
                vocabulary.size(), perEpoch, batch, context, options.settings(), options.weightDecay);
        System.out.printf(Locale.ROOT, "validation: %d fixed batches; unigram baseline %.4f nats/char%n",
                evaluated.batchesPerEpoch(), unigram);
        System.out.print(model.summary(() -> model.forward(IndexTensor.zeros(1, context))));

        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("layers", options.layers);
        settings.put("d_model", options.dModel);
        settings.put("heads", options.heads);
        settings.put("ff", options.ff);
        settings.put("context", context);
        settings.put("dropout", options.dropout);
        settings.put("weight_decay", options.weightDecay);
        settings.put("parameters", model.parameterCount());
        settings.put("steps_per_epoch", perEpoch);
        putTextSettings(settings, evaluated.batchesPerEpoch(), vocabularyFiles);
        String title = "GPT " + options.layers + "x" + options.dModel + ", " + options.heads + " heads";
        return new Run(options.data, model.description(), trainer, train, evaluated, "validation", title, settings);
    }

    /** AdamW with {@code --weight-decay} on every parameter (W8), or the chosen other optimizer. */
    private Optimizer optimizer(List<Tensor> parameters) {
        if (options.optimizerChoice() == OptimizerChoice.ADAMW) {
            return AdamW.builder(options.lr()).weightDecay(options.weightDecay).build(parameters);
        }
        return options.optimizer(parameters);
    }

    @Override
    protected TextGenerator trainedGenerator() {
        return new GptGenerator(model);
    }

    /** The heads: the weights do not tell them. */
    @Override
    protected Map<String, String> modelSettings() {
        return Map.of("heads", Integer.toString(options.heads));
    }

    /** The model of the checkpoint, with the heads written beside it (else {@code --heads}). */
    @Override
    protected TextGenerator restore(Map<String, Tensor> state, Map<String, String> settings) {
        int heads;
        try {
            heads = Integer.parseInt(settings.getOrDefault("heads", Integer.toString(options.heads)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the model settings give heads " + settings.get("heads")
                    + ", not a whole number", e);
        }
        Gpt gpt = Gpt.describedBy(state, heads);
        gpt.loadStateDict(state);
        return new GptGenerator(gpt);
    }
}
