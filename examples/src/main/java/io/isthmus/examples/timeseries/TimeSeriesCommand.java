package io.isthmus.examples.timeseries;

import io.isthmus.data.DataFormatException;
import io.isthmus.data.MinMaxScaler;
import io.isthmus.data.Scaler;
import io.isthmus.data.SlidingWindows;
import io.isthmus.data.StandardScaler;
import io.isthmus.data.TimeSeries;
import io.isthmus.data.TimeSeriesCsv;
import io.isthmus.examples.ExampleFailure;
import io.isthmus.examples.common.BestEpoch;
import io.isthmus.examples.common.EpochTrainerCommand;
import io.isthmus.examples.common.TrainingOptions;
import io.isthmus.examples.common.TrainingReport;
import io.isthmus.examples.rnn.CellType;
import io.isthmus.loss.MSELoss;
import io.isthmus.tensor.Tensor;
import io.isthmus.train.Callback;
import io.isthmus.train.History;
import io.isthmus.train.ModelCheckpoint;
import io.isthmus.train.ProgressBar;
import io.isthmus.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Forecasts one column of a CSV time series with an RNN, LSTM or GRU: windows of
 * {@code --lookback} values in, the next {@code --horizon} values out (direct multi-output: all
 * steps at once from one window, not fed back). The last {@code --test-size} values are held out;
 * the scaler is fitted on the values before them, whose last {@code --validation-fraction} is the
 * validation slice for early stopping (the weights of the epoch with the lowest validation loss
 * are kept). Prints RMSE and MAE on the held-out tail, in the series' units, beside the naive and
 * seasonal-naive forecasts of the same points, and draws the actual series against the
 * predicted one.
 */
@Command(name = "timeseries", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Forecast a CSV time series (default: monthly airline passengers) with an RNN, LSTM or GRU; "
                + "RMSE and MAE on the held-out tail beside the naive and seasonal-naive forecasts.",
                "--horizon H > 1 is a direct multi-step forecast: the network outputs all H steps at once from one "
                        + "window (not recursively from its own forecasts)."})
public final class TimeSeriesCommand implements java.util.concurrent.Callable<Integer> {

    /** Where {@code timeseries} looks without {@code --data}: relative to the working directory. */
    static final String DEFAULT_FILE = "data/airline-passengers/airline-passengers.csv";

    /** The {@code --scaler} values. */
    public enum ScalerChoice {
        MINMAX, STANDARD;

        Scaler fit(double[] train) {
            return this == MINMAX ? MinMaxScaler.fit(train) : StandardScaler.fit(train);
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    @Mixin
    Options options;

    @Option(names = "--column", paramLabel = "NAME",
            description = "the value column (default: the only column besides the time column)")
    String column;

    @Option(names = "--date-column", paramLabel = "NAME",
            description = "the time column, whose labels the report and the plot name (default: the first column)")
    String dateColumn;

    @Option(names = "--season", paramLabel = "N", defaultValue = "12",
            description = "values per season, for the seasonal-naive forecast: 12 for monthly data, 52 weekly, 365 "
                    + "daily, 11 for yearly sunspots (default: ${DEFAULT-VALUE})")
    int season;

    @Option(names = "--lookback", paramLabel = "N",
            description = "values in each input window (default: one season)")
    Integer lookback;

    @Option(names = "--horizon", paramLabel = "N", defaultValue = "1",
            description = "values forecast from each window: 1 is one-step; more is a direct multi-step forecast "
                    + "(all steps output at once) (default: ${DEFAULT-VALUE})")
    int horizon;

    @Option(names = "--test-size", paramLabel = "N",
            description = "values held out at the end of the series (default: two seasons)")
    Integer testSize;

    @Option(names = "--validation-fraction", paramLabel = "F", defaultValue = "0.1",
            description = "the end of the training part that early stopping watches (default: ${DEFAULT-VALUE})")
    double validationFraction;

    @Option(names = "--cell", paramLabel = "CELL", defaultValue = "lstm",
            description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    CellType cell;

    @Option(names = "--hidden", paramLabel = "N", defaultValue = "32",
            description = "hidden units per layer (default: ${DEFAULT-VALUE})")
    int hidden;

    @Option(names = "--layers", paramLabel = "N", defaultValue = "1",
            description = "stacked recurrent layers (default: ${DEFAULT-VALUE})")
    int layers;

    @Option(names = "--no-residual",
            description = "forecast the level itself instead of the change from the last value of the window")
    boolean noResidual;

    @Option(names = "--scaler", paramLabel = "NAME", defaultValue = "minmax",
            description = "${COMPLETION-CANDIDATES}, fitted on the training part only (default: ${DEFAULT-VALUE})")
    ScalerChoice scaler;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "300",
            description = "most epochs; early stopping usually ends the run sooner (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--patience", paramLabel = "N", defaultValue = "40",
            description = "epochs without a lower validation loss before stopping (default: ${DEFAULT-VALUE})")
    int patience;

    @Option(names = "--checkpoint-dir", paramLabel = "DIR", defaultValue = "checkpoints",
            description = "where the weights of the best epoch so far are saved (default: ${DEFAULT-VALUE})")
    Path checkpointDir;

    @Option(names = "--checkpoint", paramLabel = "FILE",
            description = "after every epoch, write a resumable checkpoint (weights, optimizer, epoch, history) here")
    Path checkpoint;

    @Option(names = "--resume", paramLabel = "FILE",
            description = "continue the run saved in this checkpoint (use the options of the original run)")
    Path resume;

    @Option(names = "--plot", paramLabel = "FILE", defaultValue = "reports/timeseries.png",
            description = "PNG of the actual series against the predicted one, and the loss curves "
                    + "(default: ${DEFAULT-VALUE})")
    Path plot;

    /** The shared options, the batch size and the data file. */
    public static final class Options extends TrainingOptions {

        @Option(names = "--batch-size", paramLabel = "N", defaultValue = "16",
                description = "training batch size (default: ${DEFAULT-VALUE})")
        int batchSize;

        @Option(names = "--data", paramLabel = "FILE",
                description = "CSV file with a header, a time column and value columns (default: " + DEFAULT_FILE
                        + ")")
        Path data;

        @Override
        public int batchSize() {
            return batchSize;
        }
    }

    @Override
    public Integer call() {
        int lookbackValue = lookback == null ? season : lookback;
        int testValue = testSize == null ? 2 * season : testSize;
        options.require(season >= 1, "--season must be at least 1, got " + season);
        options.require(lookbackValue >= 1, "--lookback must be at least 1, got " + lookbackValue);
        options.require(horizon >= 1, "--horizon must be at least 1, got " + horizon);
        options.require(testValue >= horizon, "--test-size must be at least --horizon " + horizon + ", got "
                + testValue);
        options.require(validationFraction > 0 && validationFraction < 1,
                "--validation-fraction must be between 0 and 1 (exclusive), got " + validationFraction);
        options.require(hidden >= 1, "--hidden must be at least 1, got " + hidden);
        options.require(layers >= 1, "--layers must be at least 1, got " + layers);
        options.require(epochs >= 1, "--epochs must be at least 1, got " + epochs);
        options.require(patience >= 1, "--patience must be at least 1, got " + patience);
        options.start();

        Path file = options.data == null ? Path.of(DEFAULT_FILE) : options.data;
        TimeSeries series = read(file);
        int n = series.size();
        int cut = n - testValue;
        int validationSize = Math.max(horizon, (int) Math.round(cut * validationFraction));
        int trainEnd = cut - validationSize;
        if (trainEnd < lookbackValue + horizon || cut < season) {
            throw new ExampleFailure(String.format(Locale.ROOT, "%s: %d values are too few for --test-size %d, "
                            + "--lookback %d, --horizon %d and --season %d: the training part (%d values before the "
                            + "validation slice of %d) needs at least lookback + horizon = %d, and the values before "
                            + "the test tail at least one season", file, n, testValue, lookbackValue, horizon, season,
                    trainEnd, validationSize, lookbackValue + horizon));
        }
        double[] values = series.values();
        // Fitted on the values before the test tail only: the tail's range stays unseen.
        Scaler fitted = scaler.fit(Arrays.copyOf(values, cut));
        double[] scaled = fitted.transform(values);
        SlidingWindows train = new SlidingWindows(Arrays.copyOf(scaled, trainEnd), lookbackValue, horizon);
        SlidingWindows validation = SlidingWindows.withTargetsFrom(Arrays.copyOf(scaled, cut), lookbackValue, horizon,
                trainEnd);
        SlidingWindows test = SlidingWindows.withTargetsFrom(scaled, lookbackValue, horizon, cut);

        options.seedWeights();
        Forecaster model = new Forecaster(cell, hidden, layers, horizon, !noResidual);
        Trainer trainer = options.trainer(model, new MSELoss());
        List<String> times = series.times();
        System.out.printf(Locale.ROOT, "%s: %s on %s column %s (%d values, %s .. %s), lookback %d, horizon %d "
                        + "(%s), %s scaler fitted on the first %d values; %d training windows, validation %s .. %s "
                        + "(%d windows), test tail %s .. %s (%d values), %s%n",
                options.name(), model.recipe(), file, series.name(), n, times.get(0), times.get(n - 1), lookbackValue,
                horizon, horizon == 1 ? "one-step" : "direct multi-step", scaler, cut, train.size(), times.get(trainEnd),
                times.get(cut - 1), validation.size(), times.get(cut), times.get(n - 1), testValue, options.settings());
        System.out.print(model.summary(lookbackValue, 1));

        if (resume != null) {
            EpochTrainerCommand.resume(trainer, resume, epochs);
        }
        List<Callback> callbacks = new ArrayList<>(List.of(new ProgressBar()));
        if (checkpoint != null) {
            callbacks.add(ModelCheckpoint.builder(checkpoint.toString()).build());
        }
        BestEpoch best = new BestEpoch(patience, checkpointDir, options.name() + "-best.safetensors");
        History history = trainer.fit(options.trainLoader(train), epochs, options.evalLoader(validation),
                best.callbacks(callbacks.toArray(Callback[]::new)));
        int kept = best.kept(trainer, history);

        // The test tail in the series' units: the model against the two baselines on the same points.
        double[] actual = Forecasts.actual(values, test);
        double[] predicted = inverse(fitted, trainer.predict(options.evalLoader(test)));
        Forecasts.Errors model1 = Forecasts.Errors.of(predicted, actual);
        Forecasts.Errors naive = Forecasts.Errors.of(Forecasts.naive(values, test), actual);
        Forecasts.Errors seasonal = Forecasts.Errors.of(Forecasts.seasonalNaive(values, test, season), actual);
        System.out.printf(Locale.ROOT, "test tail %s .. %s, %d forecast values (epoch %d weights):%n", times.get(cut),
                times.get(n - 1), model1.points(), kept + 1);
        System.out.printf(Locale.ROOT, "  %-22s %12s %12s%n", "forecast", "RMSE", "MAE");
        System.out.printf(Locale.ROOT, "  %-22s %12.4f %12.4f%n", cell.toString(), model1.rmse(), model1.mae());
        System.out.printf(Locale.ROOT, "  %-22s %12.4f %12.4f%n", "naive (last value)", naive.rmse(), naive.mae());
        System.out.printf(Locale.ROOT, "  %-22s %12.4f %12.4f%n", "seasonal naive (" + season + ")", seasonal.rmse(),
                seasonal.mae());
        List<Double> perStep = new ArrayList<>();
        for (int k = 0; k < horizon; k++) {
            perStep.add(Forecasts.Errors.of(predicted, actual, k, horizon).rmse());
        }
        if (horizon > 1) {
            System.out.println("  " + cell + " RMSE by step ahead: " + perStep.stream()
                    .map(v -> String.format(Locale.ROOT, "%.3f", v)).toList());
        }

        if (options.report() != null) {
            TrainingReport report = options.startReport(file, model.recipe(), epochs);
            report.put("column", series.name()).put("time_column", series.timeName()).put("values", n)
                    .put("filled_missing_values", series.filled().length)
                    .put("cell", cell.toString()).put("hidden", hidden).put("layers", layers)
                    .put("residual", !noResidual).put("lookback", lookbackValue).put("horizon", horizon)
                    .put("forecast", horizon == 1 ? "one-step" : "direct multi-step (all steps output at once)")
                    .put("season", season).put("scaler", fitted.toString()).put("parameters", model.parameterCount())
                    .put("training_windows", train.size()).put("validation_windows", validation.size())
                    .put("validation_from", times.get(trainEnd)).put("test_size", testValue)
                    .put("test_from", times.get(cut)).put("test_to", times.get(n - 1))
                    .put("resumed_from", resume == null ? null : resume.toString())
                    .put("evaluated_each_epoch", "validation slice (val_* keys), loss = MSE of scaled values")
                    .history(history);
            best.record(report, kept);
            Map<String, Object> models = new LinkedHashMap<>(model1.toMap());
            models.put("rmse_by_step", perStep);
            report.put("test", models).put("naive", naive.toMap()).put("seasonal_naive", seasonal.toMap())
                    .put("beats_naive_rmse", model1.rmse() < naive.rmse())
                    .put("beats_seasonal_naive_rmse", model1.rmse() < seasonal.rmse())
                    .write(options.report());
            System.out.println("report: " + options.report());
        }
        plot(series, fitted, trainer, lookbackValue, trainEnd, cut, test, predicted, history, model1, seasonal);
        System.out.println("plot: " + plot);
        return 0;
    }

    private TimeSeries read(Path file) {
        TimeSeriesCsv reader = TimeSeriesCsv.reader();
        if (dateColumn != null) {
            reader.timeColumn(dateColumn);
        }
        try {
            return column == null ? reader.read(file) : reader.readColumn(file, column);
        } catch (NoSuchFileException e) {
            throw new ExampleFailure("no time series file " + file.toAbsolutePath().normalize() + "; pass --data FILE "
                    + "(a CSV with a header, a time column and a value column, chosen with --column NAME), or put "
                    + "the airline passengers series (airline-passengers.csv: Month,Passengers 1949-01 .. 1960-12, "
                    + "e.g. from jbrownlee/Datasets on GitHub) in ./" + DEFAULT_FILE, e);
        } catch (DataFormatException e) {
            // The message names the file and the line.
            throw new ExampleFailure(e.getMessage(), e);
        } catch (IOException e) {
            throw new ExampleFailure("cannot read " + file + ": " + e, e);
        }
    }

    private static double[] inverse(Scaler scaler, Tensor scaled) {
        float[] data = scaled.data();
        double[] out = new double[data.length];
        for (int i = 0; i < data.length; i++) {
            out[i] = scaler.inverse(data[i]);
        }
        return out;
    }

    /** The series against the first step forecast of every window, plus the multi-step forecast from the tail's start. */
    private void plot(TimeSeries series, Scaler fitted, Trainer trainer, int lookbackValue, int trainEnd, int cut,
                      SlidingWindows test, double[] predicted, History history, Forecasts.Errors model1,
                      Forecasts.Errors seasonal) {
        double[] values = series.values();
        SlidingWindows all = new SlidingWindows(fitted.transform(values), lookbackValue, horizon);
        double[] everywhere = inverse(fitted, trainer.predict(options.evalLoader(all)));
        double[] x = new double[all.size()];
        double[] y = new double[all.size()];
        for (int i = 0; i < all.size(); i++) {
            x[i] = all.targetStart(i);
            y[i] = everywhere[i * horizon];
        }
        ForecastPlot chart = new ForecastPlot()
                .line("actual", ForecastPlot.positions(0, values.length), values)
                .line(horizon == 1 ? cell + " one step ahead" : cell + " first step ahead", x, y);
        if (horizon > 1) {
            chart.line(cell + " " + horizon + " steps from " + series.times().get(cut - 1),
                    ForecastPlot.positions(test.targetStart(0), horizon), Arrays.copyOf(predicted, horizon));
        }
        chart.marker("validation from " + series.times().get(trainEnd), trainEnd)
                .marker("test from " + series.times().get(cut), cut);
        String title = String.format(Locale.ROOT, "%s: %s test RMSE %.2f, seasonal naive %.2f", series.name(), cell,
                model1.rmse(), seasonal.rmse());
        chart.write(plot, title, "step (0 = " + series.times().get(0) + ")", series.name(), history);
    }
}
