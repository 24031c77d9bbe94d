package io.isthmus.examples.mlp;

import io.isthmus.data.DataLoader;
import io.isthmus.examples.ExampleFailure;
import io.isthmus.train.Callback;
import io.isthmus.train.History;
import io.isthmus.train.ModelCheckpoint;
import io.isthmus.train.ProgressBar;
import io.isthmus.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Trains an MLP classifier (784-128-10 by default) on Fashion-MNIST or any MNIST-format
 * directory, evaluating on the test set after every epoch (as Keras's MNIST MLP example does),
 * and optionally checkpoints every epoch so that {@code --resume} continues the run exactly.
 */
@Command(name = "mlp", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train an MLP on Fashion-MNIST (or MNIST-format data in --data DIR).")
public final class MlpCommand implements Callable<Integer> {

    @Mixin
    MlpOptions options;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "5",
            description = "epochs in total; a resumed run continues up to this number (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--checkpoint", paramLabel = "FILE",
            description = "after every epoch, write a resumable checkpoint (weights, optimizer, epoch, history) here")
    Path checkpoint;

    @Option(names = "--resume", paramLabel = "FILE",
            description = "continue the run saved in this checkpoint (use the options of the original run)")
    Path resume;

    @Option(names = "--plot", paramLabel = "FILE", defaultValue = "reports/mlp.png",
            description = "PNG with the loss and accuracy curves (default: ${DEFAULT-VALUE})")
    Path plot;

    @Override
    public Integer call() {
        options.require(epochs >= 1, "--epochs must be at least 1, got " + epochs);
        MlpSetup setup = options.prepare();
        Trainer trainer = setup.trainer();
        if (resume != null) {
            resume(trainer);
        }
        List<Callback> callbacks = new ArrayList<>(List.of(new ProgressBar()));
        if (checkpoint != null) {
            // A fixed path saved after every epoch: the latest state, whatever the loss did.
            callbacks.add(ModelCheckpoint.builder(checkpoint.toString()).build());
        }
        DataLoader test = options.evalLoader(setup.images().test());
        History history = trainer.fit(options.trainLoader(setup.images().train()), epochs, test,
                callbacks.toArray(Callback[]::new));
        Map<String, Double> testMetrics = trainer.evaluate(test);
        System.out.printf(Locale.ROOT, "test: loss %.4f, accuracy %.4f%n", testMetrics.get("loss"),
                testMetrics.get("accuracy"));
        if (options.report != null) {
            options.startReport(setup.images(), epochs)
                    .put("resumed_from", resume == null ? null : resume.toString())
                    .put("evaluated_each_epoch", "test set (val_* keys)")
                    .history(history)
                    .put("test", testMetrics)
                    .write(options.report);
            System.out.println("report: " + options.report);
        }
        new CurvesPlot(history, "test").write(plot, "MLP " + options.architecture(setup.images()));
        System.out.println("plot: " + plot);
        return 0;
    }

    private void resume(Trainer trainer) {
        if (!Files.isRegularFile(resume)) {
            throw new ExampleFailure("--resume " + resume + ": no such file (write one with --checkpoint FILE)");
        }
        try {
            trainer.resume(resume);
        } catch (IOException | IllegalArgumentException e) {
            throw new ExampleFailure("--resume " + resume + ": cannot restore this checkpoint into the model: "
                    + e.getMessage(), e);
        }
        int next = trainer.nextEpoch();
        if (next > epochs) {
            throw new ExampleFailure("--resume " + resume + " has already run " + next + " epochs, more than --epochs "
                    + epochs + "; pass a larger --epochs to continue it");
        }
        System.out.println("resumed from " + resume + " after epoch " + next);
    }
}
