package io.isthmus.examples.cnn;

import io.isthmus.data.Cifar10Format;
import io.isthmus.data.Normalize;
import io.isthmus.data.RandomCrop;
import io.isthmus.data.RandomHorizontalFlip;
import io.isthmus.data.Transform;
import io.isthmus.examples.common.BestEpoch;
import io.isthmus.examples.common.EpochTrainerCommand;
import io.isthmus.examples.common.TrainingOptions;
import io.isthmus.nn.Sequential;
import io.isthmus.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@link Cifar10Net} on CIFAR-10 with batch norm, dropout and augmentation (random 32x32 crops
 * of the image padded by 4, horizontal flips), each of which a flag switches off, and inputs
 * normalized per channel with the mean and std of the training images. Evaluates the test set
 * after every epoch, or a held-out validation split when the data has no test file.
 */
@Command(name = "cifar10", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a CNN with batch norm, dropout and augmentation on CIFAR-10 (binary files in --data DIR).")
public final class Cifar10Command extends EpochTrainerCommand {

    private static final int CROP_PADDING = 4;
    private static final String BEST_CHECKPOINT_NAME = "cifar10-{epoch:02d}-{val_loss:.4f}.safetensors";

    @Mixin
    Options options;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "10",
            description = "epochs in total; a resumed run continues up to this number (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--plot", paramLabel = "FILE", defaultValue = "reports/cifar10.png",
            description = "PNG with the loss and accuracy curves (default: ${DEFAULT-VALUE})")
    Path plot;

    @Option(names = "--patience", paramLabel = "N",
            description = "stop when the evaluated loss has not improved for N epochs, checkpoint every improvement "
                    + "and end with the best epoch's weights (default: train every epoch)")
    Integer patience;

    @Option(names = "--checkpoint-dir", paramLabel = "DIR", defaultValue = "checkpoints",
            description = "with --patience, where the best epochs' checkpoints go, named " + BEST_CHECKPOINT_NAME
                    + " (default: ${DEFAULT-VALUE})")
    Path checkpointDir;

    /** The shared options, the batch size, the data and the switches of the regularizers. */
    public static final class Options extends TrainingOptions {

        @Option(names = "--batch-size", paramLabel = "N", defaultValue = "64",
                description = "training batch size (default: ${DEFAULT-VALUE})")
        int batchSize;

        @Option(names = "--data", paramLabel = "DIR", defaultValue = Cifar10Data.DEFAULT_DIR,
                description = "directory with the CIFAR-10 binary files data_batch_<k>.bin and test_batch.bin, "
                        + "or the cifar-10-batches-bin/ they unpack to (default: ${DEFAULT-VALUE}, relative to the "
                        + "working directory)")
        Path data;

        @Option(names = "--validation-fraction", paramLabel = "F", defaultValue = "0.1",
                description = "part of the training images held out for validation when there is no test_batch.bin "
                        + "(default: ${DEFAULT-VALUE})")
        double validationFraction;

        @Option(names = "--no-batch-norm", description = "no BatchNorm2d after the convolutions (which get biases)")
        boolean noBatchNorm;

        @Option(names = "--no-dropout", description = "no Dropout2d after the blocks nor Dropout before the last layer")
        boolean noDropout;

        @Option(names = "--no-augmentation", description = "train on the images as they are: no random crops or flips")
        boolean noAugmentation;

        @Override
        public int batchSize() {
            return batchSize;
        }

        @Override
        protected void validate() {
            super.validate();
            require(validationFraction > 0 && validationFraction < 1,
                    "--validation-fraction must be between 0 and 1 (exclusive), got " + validationFraction);
        }
    }

    @Override
    protected TrainingOptions options() {
        return options;
    }

    @Override
    protected int epochs() {
        return epochs;
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
    protected Run prepare() {
        options.require(patience == null || patience >= 0, "--patience must be at least 0, got " + patience);
        options.start();
        Cifar10Data images = Cifar10Data.load(options.data, options.seed(), options.validationFraction);
        // Fitted on the images trained on only, so nothing of the evaluated images leaks in.
        Normalize normalize = Normalize.fit(images.train());
        Transform training = options.noAugmentation ? normalize
                : new RandomCrop(Cifar10Format.HEIGHT, CROP_PADDING).andThen(new RandomHorizontalFlip())
                .andThen(normalize);
        boolean batchNorm = !options.noBatchNorm;
        boolean dropout = !options.noDropout;
        options.seedWeights();
        Sequential model = Cifar10Net.build(Cifar10Format.CHANNELS, Cifar10Format.HEIGHT, Cifar10Format.CLASS_COUNT,
                batchNorm, dropout);
        Trainer trainer = options.trainer(model);
        String description = Cifar10Net.describe(Cifar10Format.CLASS_COUNT, batchNorm, dropout);
        String augmentation = options.noAugmentation ? "none"
                : "random crop " + Cifar10Format.HEIGHT + "x" + Cifar10Format.WIDTH + " padded by " + CROP_PADDING
                + ", horizontal flip";
        System.out.printf("%s: CNN %s on %s (%d training, %d %s images), augmentation: %s, %s%n", options.name(),
                description, images.dir(), images.train().size(), images.evaluated().size(), images.evaluatedLabel(),
                augmentation, options.settings());
        System.out.printf("normalization fitted on the training images: mean %s, std %s%n",
                Arrays.toString(normalize.mean()), Arrays.toString(normalize.std()));
        System.out.print(model.summary(Cifar10Format.CHANNELS, Cifar10Format.HEIGHT, Cifar10Format.WIDTH));
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("batch_norm", batchNorm);
        settings.put("dropout", dropout);
        settings.put("augmentation", augmentation);
        settings.put("normalize_mean", normalize.mean());
        settings.put("normalize_std", normalize.std());
        settings.put("training_samples", images.train().size());
        settings.put(images.evaluatedLabel() + "_samples", images.evaluated().size());
        return new Run(images.dir(), description, trainer, options.trainLoader(images.train(), training),
                options.evalLoader(images.evaluated(), normalize), images.evaluatedLabel(), "CIFAR-10 CNN", settings);
    }
}
