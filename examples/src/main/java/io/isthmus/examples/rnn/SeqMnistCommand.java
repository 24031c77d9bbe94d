package io.isthmus.examples.rnn;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.isthmus.examples.ExampleFailure;
import io.isthmus.examples.common.EpochTrainerCommand;
import io.isthmus.examples.common.ImageData;
import io.isthmus.examples.common.TrainingOptions;
import io.isthmus.examples.common.TrainingReport;
import io.isthmus.nn.Sequential;
import io.isthmus.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * MNIST read as a sequence: each image is 28 time steps (its rows) of 28 features (the pixels
 * of a row), batch first, through an RNN, LSTM or GRU whose last step feeds a Linear classifier
 * ({@link LastStepNet}). {@code --cell all} trains the three cells one after the other with the
 * same settings and prints their test accuracy and seconds per epoch side by side.
 */
@Command(name = "seq-mnist", mixinStandardHelpOptions = true, sortOptions = false,
        defaultValueProvider = SeqMnistCommand.Defaults.class,
        description = {"Classify MNIST digits read row by row (28 steps of 28 pixels) with an RNN, LSTM or GRU.",
                "With --cell all, trains the three cells one after the other with the same settings and compares "
                        + "them; the report then holds the three runs."})
public final class SeqMnistCommand extends EpochTrainerCommand {

    /** Time steps (rows) and features per step (pixels in a row). */
    static final int ROWS = 28;
    static final int PIXELS = 28;

    /** The {@code --cell} values: one cell, or all three in turn. */
    public enum CellChoice {
        RNN, LSTM, GRU, ALL;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Adam's lr: 2e-3 here (1e-3 reached 0.979 test accuracy in 5 epochs, 2e-3 0.983), instead of the shared 1e-3. */
    static final String LR = "2e-3";

    /** This trainer's defaults of shared options: {@code --lr} {@value #LR}. */
    public static final class Defaults implements IDefaultValueProvider {
        @Override
        public String defaultValue(ArgSpec argument) {
            return argument instanceof OptionSpec option && option.longestName().equals("--lr") ? LR : null;
        }
    }

    @Mixin
    Options options;

    @Spec
    CommandSpec spec;

    @Option(names = "--cell", paramLabel = "CELL", defaultValue = "lstm",
            description = "${COMPLETION-CANDIDATES}: the recurrent cell, or all three one after the other "
                    + "(default: ${DEFAULT-VALUE})")
    CellChoice cell;

    @Option(names = "--hidden", paramLabel = "N", defaultValue = "128",
            description = "hidden units per layer (default: ${DEFAULT-VALUE})")
    int hidden;

    @Option(names = "--layers", paramLabel = "N", defaultValue = "1",
            description = "stacked recurrent layers (default: ${DEFAULT-VALUE})")
    int layers;

    @Option(names = "--clip-norm", paramLabel = "NORM", defaultValue = "1.0",
            description = "clip the global gradient norm to this before every step, 0 for no clipping "
                    + "(default: ${DEFAULT-VALUE})")
    double clipNorm;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "5",
            description = "epochs in total; a resumed run continues up to this number (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--plot", paramLabel = "FILE", defaultValue = "reports/seq-mnist.png",
            description = "PNG with the loss and accuracy curves; with --cell all, one per cell with the cell's "
                    + "name before the extension (default: ${DEFAULT-VALUE})")
    Path plot;

    /** The shared options, the batch size and the data directory. */
    public static final class Options extends TrainingOptions {

        @Option(names = "--batch-size", paramLabel = "N", defaultValue = "64",
                description = "training batch size (default: ${DEFAULT-VALUE})")
        int batchSize;

        @Option(names = "--data", paramLabel = "DIR", description = ImageData.MNIST_DATA_HELP)
        Path data;

        @Override
        public int batchSize() {
            return batchSize;
        }
    }

    /** The cell of the run in progress. */
    private CellType current;
    /** With --cell all: where the run in progress writes its report. */
    private Path currentReport;
    /** Loaded once, also when the three cells train in turn. */
    private ImageData images;

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
        return cell == CellChoice.ALL ? withSuffix(plot, "-" + current) : plot;
    }

    @Override
    protected Path reportFile() {
        return cell == CellChoice.ALL ? currentReport : options.report();
    }

    @Override
    public Integer call() {
        options.require(hidden >= 1, "--hidden must be at least 1, got " + hidden);
        options.require(layers >= 1, "--layers must be at least 1, got " + layers);
        options.require(clipNorm >= 0 && Double.isFinite(clipNorm),
                "--clip-norm must be 0 (off) or a positive number, got " + clipNorm);
        if (cell != CellChoice.ALL) {
            current = CellType.valueOf(cell.name());
            return super.call();
        }
        return compareAll();
    }

    /**
     * Trains rnn, lstm and gru in turn, prints their results side by side and, with --report,
     * writes one report holding all three (each run's own report is kept beside it, e.g.
     * {@code seq.json} -> {@code seq-lstm.json}).
     */
    private int compareAll() {
        options.require(!spec.commandLine().getParseResult().hasMatchedOption("--resume")
                        && !spec.commandLine().getParseResult().hasMatchedOption("--checkpoint"),
                "--cell all trains three models, but --checkpoint and --resume hold one run: pick one --cell");
        Map<String, Object> runs = new LinkedHashMap<>();
        List<Map<String, Object>> rows = new ArrayList<>();
        Path dir = null;
        try {
            if (options.report() == null) {
                // The runs' figures are read back from their reports, written here and deleted.
                dir = Files.createTempDirectory("seq-mnist");
            }
            for (CellType type : CellType.values()) {
                current = type;
                currentReport = dir == null ? withSuffix(options.report(), "-" + type) : dir.resolve(type + ".json");
                System.out.println();
                System.out.println("=== " + type + " ===");
                int status = super.call();
                if (status != 0) {
                    return status;
                }
                JsonObject json = JsonParser.parseString(Files.readString(currentReport)).getAsJsonObject();
                runs.put(type.toString(), new Gson().fromJson(json, Map.class));
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("cell", type.toString());
                row.put("parameters", json.get("parameters").getAsLong());
                row.put("test_accuracy", json.getAsJsonObject("test").get("accuracy").getAsDouble());
                row.put("test_loss", json.getAsJsonObject("test").get("loss").getAsDouble());
                row.put("seconds_per_epoch", json.get("seconds_per_epoch").getAsDouble());
                // Without the first epoch, which carries the JIT's warm-up (absent after one epoch).
                row.put("seconds_per_epoch_after_first", json.has("seconds_per_epoch_after_first")
                        ? json.get("seconds_per_epoch_after_first").getAsDouble() : Double.NaN);
                rows.add(row);
            }
        } catch (IOException e) {
            throw new ExampleFailure("cannot write or read back a run's report: " + e.getMessage(), e);
        } finally {
            if (dir != null) {
                deleteAll(dir);
            }
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "%-6s %10s %14s %10s %14s %20s%n", "cell", "parameters", "test accuracy",
                "test loss", "seconds/epoch", "after the first one");
        for (Map<String, Object> row : rows) {
            System.out.printf(Locale.ROOT, "%-6s %10d %14.4f %10.4f %14.2f %20.2f%n", row.get("cell"),
                    row.get("parameters"), row.get("test_accuracy"), row.get("test_loss"), row.get("seconds_per_epoch"),
                    row.get("seconds_per_epoch_after_first"));
        }
        if (options.report() != null) {
            new TrainingReport().put("command", options.name()).put("cell", "all").put("comparison", rows)
                    .put("runs", runs).write(options.report());
            System.out.println("report: " + options.report());
        }
        return 0;
    }

    @Override
    protected Run prepare() {
        options.start();
        if (images == null) {
            // The images as [N, 28, 28]: 28 steps (rows) of 28 features (pixels), batch first.
            ImageData loaded = ImageData.loadMnist(options.data);
            images = new ImageData(loaded.dir(), loaded.train().withFeatureShape(ROWS, PIXELS),
                    loaded.test().withFeatureShape(ROWS, PIXELS));
        }
        options.seedWeights();
        LastStepNet net = new LastStepNet(current, PIXELS, hidden, layers, ImageData.CLASSES);
        Sequential model = new Sequential(net);
        Trainer trainer = options.trainer(model);
        if (clipNorm > 0) {
            trainer.clipGradNorm(clipNorm);
        }
        System.out.printf(Locale.ROOT, "%s: %s on %s as %d steps of %d pixels (%d training, %d test images), %s, "
                        + "clip norm %s%n", options.name(), net.recipe(), images.dir(), ROWS, PIXELS,
                images.train().size(), images.test().size(), options.settings(), clipNorm > 0 ? clipNorm : "off");
        System.out.print(model.summary(ROWS, PIXELS));
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("cell", current.toString());
        settings.put("hidden", hidden);
        settings.put("layers", layers);
        settings.put("clip_norm", clipNorm);
        settings.put("parameters", model.parameterCount());
        settings.put("input", ROWS + " steps of " + PIXELS + " pixels, batch first");
        return new Run(images.dir(), net.recipe(), trainer, options.trainLoader(images.train()),
                options.evalLoader(images.test()), "test", "seq-mnist " + net.recipe(), settings);
    }

    /** {@code reports/seq-mnist.png} with "-lstm" -> {@code reports/seq-mnist-lstm.png}. */
    static Path withSuffix(Path file, String suffix) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String renamed = dot <= 0 ? name + suffix : name.substring(0, dot) + suffix + name.substring(dot);
        return file.resolveSibling(renamed);
    }

    private static void deleteAll(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            System.err.println("could not delete the temporary reports in " + dir + ": " + e.getMessage());
        }
    }
}
