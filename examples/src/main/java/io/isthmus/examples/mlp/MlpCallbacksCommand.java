package io.isthmus.examples.mlp;

import io.isthmus.data.Subset;
import io.isthmus.examples.common.BestEpoch;
import io.isthmus.examples.common.CurvesPlot;
import io.isthmus.examples.common.TrainingReport;
import io.isthmus.train.History;
import io.isthmus.train.ProgressBar;
import io.isthmus.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The MLP with Keras-style callbacks: holds out a seeded random part of the training set for
 * validation, stops when the validation loss has not improved for {@code --patience} epochs,
 * saves a checkpoint whenever it improves, and ends with the weights of the best epoch.
 */
@Command(name = "mlp-callbacks", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train an MLP with early stopping and best-model checkpoints on a validation split.")
public final class MlpCallbacksCommand implements Callable<Integer> {

    private static final String CHECKPOINT_NAME = "mlp-{epoch:02d}-{val_loss:.4f}.safetensors";

    @Mixin
    MlpOptions options;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "30",
            description = "most epochs; early stopping usually ends the run sooner (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--patience", paramLabel = "N", defaultValue = "3",
            description = "epochs without a lower validation loss before stopping (default: ${DEFAULT-VALUE})")
    int patience;

    @Option(names = "--validation-fraction", paramLabel = "F", defaultValue = "0.1",
            description = "part of the training set held out for validation (default: ${DEFAULT-VALUE})")
    double validationFraction;

    @Option(names = "--checkpoint-dir", paramLabel = "DIR", defaultValue = "checkpoints",
            description = "where the best epochs' checkpoints go, named " + CHECKPOINT_NAME
                    + " (default: ${DEFAULT-VALUE})")
    Path checkpointDir;

    @Option(names = "--plot", paramLabel = "FILE", defaultValue = "reports/mlp-callbacks.png",
            description = "PNG with the loss and accuracy curves (default: ${DEFAULT-VALUE})")
    Path plot;

    @Override
    public Integer call() {
        options.require(epochs >= 1, "--epochs must be at least 1, got " + epochs);
        options.require(patience >= 0, "--patience must be at least 0, got " + patience);
        options.require(validationFraction > 0 && validationFraction < 1,
                "--validation-fraction must be between 0 and 1 (exclusive), got " + validationFraction);
        MlpSetup setup = options.prepare();
        Trainer trainer = setup.trainer();
        List<Subset> split = Subset.randomSplit(setup.images().train(), options.seed(),
                1 - validationFraction, validationFraction);
        System.out.printf("training on %d images, validating on %d (seeded random split)%n",
                split.get(0).size(), split.get(1).size());
        BestEpoch best = new BestEpoch(patience, checkpointDir, CHECKPOINT_NAME);
        History history = trainer.fit(options.trainLoader(split.get(0)), epochs, options.evalLoader(split.get(1)),
                best.callbacks(new ProgressBar()));
        int kept = best.kept(trainer, history);
        Map<String, Double> test = trainer.evaluate(options.evalLoader(setup.images().test()));
        System.out.printf(Locale.ROOT, "test (epoch %d weights): loss %.4f, accuracy %.4f%n", kept + 1,
                test.get("loss"), test.get("accuracy"));
        if (options.report() != null) {
            TrainingReport report = options.startReport(setup.images(), epochs)
                    .put("validation_samples", split.get(1).size())
                    .put("evaluated_each_epoch", "validation split (val_* keys)")
                    .history(history);
            best.record(report, kept)
                    .put("test", test)
                    .write(options.report());
            System.out.println("report: " + options.report());
        }
        new CurvesPlot(history, "validation").markKept(kept)
                .write(plot, "MLP " + options.architecture(setup.images()) + " (early stopping)");
        System.out.println("plot: " + plot);
        return 0;
    }
}
