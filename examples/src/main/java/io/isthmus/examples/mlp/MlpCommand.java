package io.isthmus.examples.mlp;

import io.isthmus.examples.common.EpochTrainerCommand;
import io.isthmus.examples.common.TrainingOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;

/**
 * Trains an MLP classifier (784-128-10 by default) on Fashion-MNIST or any MNIST-format
 * directory, evaluating on the test set after every epoch (as Keras's MNIST MLP example does),
 * and optionally checkpoints every epoch so that {@code --resume} continues the run exactly.
 */
@Command(name = "mlp", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train an MLP on Fashion-MNIST (or MNIST-format data in --data DIR).")
public final class MlpCommand extends EpochTrainerCommand {

    @Mixin
    MlpOptions options;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "5",
            description = "epochs in total; a resumed run continues up to this number (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--plot", paramLabel = "FILE", defaultValue = "reports/mlp.png",
            description = "PNG with the loss and accuracy curves (default: ${DEFAULT-VALUE})")
    Path plot;

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
        MlpSetup setup = options.prepare();
        String architecture = options.architecture(setup.images());
        return new Run(setup.images().dir(), architecture, setup.trainer(), options.trainLoader(setup.images().train()),
                options.evalLoader(setup.images().test()), "test", "MLP " + architecture, Map.of());
    }
}
