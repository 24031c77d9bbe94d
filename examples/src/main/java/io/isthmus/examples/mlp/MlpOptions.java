package io.isthmus.examples.mlp;

import io.isthmus.examples.common.ImageData;
import io.isthmus.examples.common.TrainingOptions;
import io.isthmus.examples.common.TrainingReport;
import io.isthmus.nn.Sequential;
import io.isthmus.train.Trainer;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/** The options both MLP trainers share, and what they build from them: data, model, trainer. */
public final class MlpOptions extends TrainingOptions {

    @Option(names = "--hidden", split = ",", paramLabel = "N", defaultValue = "128",
            description = "hidden layer sizes, comma-separated, e.g. 256,128 (default: ${DEFAULT-VALUE})")
    List<Integer> hidden;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "32",
            description = "training batch size (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--data", paramLabel = "DIR", description = ImageData.DATA_HELP)
    Path data;

    @Override
    public int batchSize() {
        return batchSize;
    }

    @Override
    protected void validate() {
        super.validate();
        for (int size : hidden) {
            require(size >= 1, "--hidden sizes must be at least 1, got " + size + " in " + hidden);
        }
    }

    /** Sets threads and seed, starts the kernels' warm-up, loads the data, builds the model and prints its summary. */
    MlpSetup prepare() {
        start();
        ImageData images = ImageData.load(data).flattened();
        seedWeights();
        Sequential model = Mlp.build(images.features(), hidden, ImageData.CLASSES);
        Trainer trainer = trainer(model);
        System.out.printf("%s: MLP %s on %s (%d training, %d test images), %s%n", name(), architecture(images),
                images.dir(), images.train().size(), images.test().size(), settings());
        System.out.print(model.summary(images.features()));
        return new MlpSetup(images, model, trainer);
    }

    String architecture(ImageData images) {
        return Mlp.describe(images.features(), hidden, ImageData.CLASSES);
    }

    /** The settings as the report records them. */
    TrainingReport startReport(ImageData images, int epochs) {
        return startReport(images.dir(), architecture(images), epochs);
    }
}
