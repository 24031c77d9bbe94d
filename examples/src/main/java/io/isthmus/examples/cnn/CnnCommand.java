package io.isthmus.examples.cnn;

import io.isthmus.examples.common.EpochTrainerCommand;
import io.isthmus.examples.common.ImageData;
import io.isthmus.examples.common.TrainingOptions;
import io.isthmus.nn.Sequential;
import io.isthmus.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;

/**
 * The W6 recipe: the {@link Cnn} (two 3x3 convolutions with max pooling, two dense layers,
 * dropout 0.5) trained with Adam (lr 1e-3), batch 64, for 3 epochs on Fashion-MNIST or any
 * MNIST-format directory, evaluating on the test set after every epoch.
 */
@Command(name = "cnn", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train the W6 CNN on Fashion-MNIST (or MNIST-format data in --data DIR).")
public final class CnnCommand extends EpochTrainerCommand {

    @Mixin
    Options options;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "3",
            description = "epochs in total; a resumed run continues up to this number (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--plot", paramLabel = "FILE", defaultValue = "reports/cnn.png",
            description = "PNG with the loss and accuracy curves (default: ${DEFAULT-VALUE})")
    Path plot;

    /** The shared options, the batch size and the data directory. */
    public static final class Options extends TrainingOptions {

        @Option(names = "--batch-size", paramLabel = "N", defaultValue = "64",
                description = "training batch size (default: ${DEFAULT-VALUE})")
        int batchSize;

        @Option(names = "--data", paramLabel = "DIR", description = ImageData.DATA_HELP)
        Path data;

        @Override
        public int batchSize() {
            return batchSize;
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
    protected Run prepare() {
        options.start();
        ImageData images = ImageData.load(options.data);
        options.seedWeights();
        Sequential model = Cnn.build(ImageData.CLASSES);
        Trainer trainer = options.trainer(model);
        System.out.printf("%s: CNN %s on %s (%d training, %d test images), %s%n", options.name(), Cnn.DESCRIPTION,
                images.dir(), images.train().size(), images.test().size(), options.settings());
        System.out.print(model.summary(1, 28, 28));
        return new Run(images.dir(), Cnn.DESCRIPTION, trainer, options.trainLoader(images.train()),
                options.evalLoader(images.test()), "test", "CNN", Map.of());
    }
}
