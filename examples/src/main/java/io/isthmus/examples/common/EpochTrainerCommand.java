package io.isthmus.examples.common;

import io.isthmus.data.DataLoader;
import io.isthmus.examples.ExampleFailure;
import io.isthmus.train.Callback;
import io.isthmus.train.History;
import io.isthmus.train.ModelCheckpoint;
import io.isthmus.train.ProgressBar;
import io.isthmus.train.Trainer;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * A classifier trainer that evaluates held-out data after every epoch (the test set, as
 * Keras's MNIST examples do, or a validation split), optionally checkpoints every epoch so
 * that {@code --resume} continues the run exactly, and ends with the final metrics, the
 * {@code --report} JSON and a PNG of the curves. Subclasses declare their options (mixing in a
 * {@link TrainingOptions}, {@code --epochs} and {@code --plot} with their defaults) and
 * {@link #prepare() prepare} the data, model and trainer.
 */
public abstract class EpochTrainerCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", paramLabel = "FILE",
            description = "after every epoch, write a resumable checkpoint (weights, optimizer, epoch, history) here")
    Path checkpoint;

    @Option(names = "--resume", paramLabel = "FILE",
            description = "continue the run saved in this checkpoint (use the options of the original run)")
    Path resume;

    /**
     * What a prepared run trains and evaluates.
     *
     * @param evaluatedLabel what {@code evaluated} is, "test" or "validation": the report's key of
     *                       the final metrics and the plot's legend
     * @param title          the plot's title, e.g. "CNN" or "MLP 784-128-10"
     * @param settings       the command's own settings, recorded in the report after the shared ones
     */
    public record Run(Path data, String model, Trainer trainer, DataLoader train, DataLoader evaluated,
                      String evaluatedLabel, String title, Map<String, Object> settings) {
        public Run {
            Objects.requireNonNull(trainer, "trainer");
            settings = new LinkedHashMap<>(settings);
        }
    }

    /** The mixed-in shared options. */
    protected abstract TrainingOptions options();

    /** Epochs in total; a resumed run continues up to this number. */
    protected abstract int epochs();

    /** The PNG to draw the curves into. */
    protected abstract Path plot();

    /** Validates the options, loads the data, builds the model and the trainer, and prints the model's summary. */
    protected abstract Run prepare();

    /** Early stopping with the best epoch kept, or null (the default) to train every epoch. */
    protected BestEpoch bestEpoch() {
        return null;
    }

    /**
     * Callbacks besides the progress bar and the checkpoints, e.g. a throughput meter (default
     * none); asked for after {@link #prepare()}.
     */
    protected List<Callback> extraCallbacks() {
        return List.of();
    }

    /**
     * After training and the final evaluation: prints what the trainer adds (e.g. text sampled
     * from the model) and returns fields for the report, in order (default none).
     */
    protected Map<String, Object> afterTraining(Run run, History history) {
        return Map.of();
    }

    /** The {@code --checkpoint} file, or null. */
    protected Path checkpointFile() {
        return checkpoint;
    }

    @Override
    public Integer call() {
        TrainingOptions options = options();
        options.require(epochs() >= 1, "--epochs must be at least 1, got " + epochs());
        Run run = prepare();
        Trainer trainer = run.trainer();
        if (resume != null) {
            resume(trainer);
        }
        List<Callback> callbacks = new ArrayList<>(List.of(new ProgressBar()));
        if (checkpoint != null) {
            // A fixed path saved after every epoch: the latest state, whatever the loss did.
            callbacks.add(ModelCheckpoint.builder(checkpoint.toString()).build());
        }
        callbacks.addAll(extraCallbacks());
        BestEpoch best = bestEpoch();
        Callback[] all = callbacks.toArray(Callback[]::new);
        History history = trainer.fit(run.train(), epochs(), run.evaluated(), best == null ? all : best.callbacks(all));
        int kept = best == null ? -1 : best.kept(trainer, history);
        Map<String, Double> metrics = trainer.evaluate(run.evaluated());
        System.out.printf(Locale.ROOT, "%s%s: loss %.4f, accuracy %.4f%n", run.evaluatedLabel(),
                kept < 0 ? "" : " (epoch " + (kept + 1) + " weights)", metrics.get("loss"), metrics.get("accuracy"));
        Map<String, Object> extra = afterTraining(run, history);
        if (reportFile() != null) {
            TrainingReport report = options.startReport(run.data(), run.model(), epochs());
            run.settings().forEach(report::put);
            report.put("resumed_from", resume == null ? null : resume.toString())
                    .put("evaluated_each_epoch", run.evaluatedLabel() + " set (val_* keys)")
                    .history(history);
            if (best != null) {
                best.record(report, kept);
            }
            extra.forEach(report::put);
            report.put(run.evaluatedLabel(), metrics).write(reportFile());
            System.out.println("report: " + reportFile());
        }
        new CurvesPlot(history, run.evaluatedLabel()).markKept(kept).write(plot(), run.title());
        System.out.println("plot: " + plot());
        return 0;
    }

    /** Where the report goes, or null for none: {@code --report} unless a subclass writes elsewhere. */
    protected Path reportFile() {
        return options().report();
    }

    private void resume(Trainer trainer) {
        resume(trainer, resume, epochs());
    }

    /**
     * Restores the run saved in {@code resume} into {@code trainer}, failing with a message that
     * names the file when it is missing, does not fit the model, or has already run {@code epochs}.
     */
    public static void resume(Trainer trainer, Path resume, int epochs) {
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
