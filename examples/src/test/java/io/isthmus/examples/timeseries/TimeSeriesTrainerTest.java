package io.isthmus.examples.timeseries;

import com.google.gson.JsonObject;
import io.isthmus.examples.Commands.Result;
import io.isthmus.io.SafeTensors;
import io.isthmus.io.StoredTensor;
import io.isthmus.testing.SharedFolders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.isthmus.examples.Commands.json;
import static io.isthmus.examples.Commands.run;
import static io.isthmus.examples.Commands.with;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The timeseries trainer end to end on the shared series (skipped without ../shared). */
class TimeSeriesTrainerTest {

    @TempDir
    Path work;

    /** The second column of a two-column CSV with a header, read here with a plain split. */
    private static double[] column(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        List<Double> values = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (!line.isBlank()) {
                values.add(Double.parseDouble(line.split(",")[1].replace("\"", "")));
            }
        }
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** RMSE over the last {@code tail} values of forecasting each one as the value {@code lag} steps before it. */
    private static double laggedRmse(double[] v, int tail, int lag) {
        double sum = 0;
        for (int p = v.length - tail; p < v.length; p++) {
            sum += (v[p] - v[p - lag]) * (v[p] - v[p - lag]);
        }
        return Math.sqrt(sum / tail);
    }

    @Test
    void lstmBeatsTheSeasonalNaiveForecastOfAirlinePassengersWithTheDefaults() throws IOException {
        Path csv = SharedFolders.dataOrSkip("airline-passengers").resolve("airline-passengers.csv");
        Path report = work.resolve("airline.json");
        Path plot = work.resolve("airline.png");
        Result run = run("timeseries", "--data", csv.toString(), "--threads", "1", "--report", report.toString(),
                "--plot", plot.toString(), "--checkpoint-dir", work.resolve("best").toString());
        assertEquals(0, run.exit(), run.err());
        JsonObject json = json(report);
        assertEquals("timeseries", json.get("command").getAsString());
        assertEquals("Passengers", json.get("column").getAsString());
        assertEquals("Month", json.get("time_column").getAsString());
        assertEquals(144, json.get("values").getAsInt());
        assertEquals("lstm", json.get("cell").getAsString());
        assertEquals(12, json.get("lookback").getAsInt());
        assertEquals(1, json.get("horizon").getAsInt());
        assertEquals(24, json.get("test_size").getAsInt());
        assertEquals("1959-01", json.get("test_from").getAsString());
        assertEquals("1958-01", json.get("validation_from").getAsString());
        // 120 values before the tail, the last 12 for validation: 108 - 12 training windows.
        assertEquals(96, json.get("training_windows").getAsInt());
        assertEquals(12, json.get("validation_windows").getAsInt());
        assertTrue(json.get("kept_epoch").getAsInt() >= 1, json.toString());

        double[] values = column(csv);
        double naive = laggedRmse(values, 24, 1);
        double seasonal = laggedRmse(values, 24, 12);
        assertEquals(naive, json.getAsJsonObject("naive").get("rmse").getAsDouble(), 1e-9);
        assertEquals(seasonal, json.getAsJsonObject("seasonal_naive").get("rmse").getAsDouble(), 1e-9);
        assertEquals(24, json.getAsJsonObject("test").get("points").getAsInt());
        double rmse = json.getAsJsonObject("test").get("rmse").getAsDouble();
        // Measured 39.5 against the seasonal naive's 49.99 (seeds 1-3: 37.2, 41.3, 43.9).
        assertTrue(rmse < seasonal, "LSTM test RMSE " + rmse + " should beat the seasonal naive's " + seasonal);
        assertTrue(json.get("beats_seasonal_naive_rmse").getAsBoolean());
        assertTrue(json.get("beats_naive_rmse").getAsBoolean());
        assertTrue(Files.isRegularFile(work.resolve("best").resolve("timeseries-best.safetensors")));
        assertPng(plot);
    }

    @Test
    void directMultiStepForecastOfYearlySunspotsWithAGru() throws IOException {
        Path csv = SharedFolders.dataOrSkip("sunspots").resolve("sunspots-yearly.csv");
        Path report = work.resolve("sun.json");
        Result run = run("timeseries", "--data", csv.toString(), "--column", "SUNACTIVITY", "--date-column", "YEAR",
                "--season", "11", "--horizon", "3", "--cell", "gru", "--hidden", "16", "--epochs", "20",
                "--threads", "1", "--report", report.toString(), "--plot", work.resolve("sun.png").toString(),
                "--checkpoint-dir", work.resolve("best").toString());
        assertEquals(0, run.exit(), run.err());
        JsonObject json = json(report);
        assertEquals(3, json.get("horizon").getAsInt());
        assertEquals(11, json.get("lookback").getAsInt());
        assertEquals(22, json.get("test_size").getAsInt());
        assertTrue(json.get("forecast").getAsString().startsWith("direct multi-step"), json.toString());
        // 22 - 3 + 1 windows with 3 forecast values each.
        JsonObject test = json.getAsJsonObject("test");
        assertEquals(60, test.get("points").getAsInt());
        assertEquals(3, test.getAsJsonArray("rmse_by_step").size());
        double[] values = column(csv);
        // Naive: each window's 3 steps forecast as the value before its first target.
        double sum = 0;
        int n = values.length;
        for (int first = n - 22; first + 3 <= n; first++) {
            for (int k = 0; k < 3; k++) {
                double e = values[first + k] - values[first - 1];
                sum += e * e;
            }
        }
        assertEquals(Math.sqrt(sum / 60), json.getAsJsonObject("naive").get("rmse").getAsDouble(), 1e-9);
        // The first step of every window is a one-step forecast: its RMSE is the per-step list's first entry.
        double rmse = test.get("rmse").getAsDouble();
        assertTrue(Double.isFinite(rmse) && rmse > 0, json.toString());
        assertPng(work.resolve("sun.png"));
    }

    /** No dropout: on one thread a resumed run repeats the uninterrupted one, epoch for epoch. */
    @Test
    void aResumedRunEqualsAnUninterruptedOne() throws IOException {
        Path csv = SharedFolders.dataOrSkip("airline-passengers").resolve("airline-passengers.csv");
        Path whole = work.resolve("whole.safetensors");
        Path parts = work.resolve("parts.safetensors");
        String[] common = {"timeseries", "--data", csv.toString(), "--threads", "1", "--hidden", "8",
                "--plot", work.resolve("r.png").toString(), "--checkpoint-dir", work.resolve("best").toString()};
        assertEquals(0, run(with(common, "--epochs", "4", "--checkpoint", whole.toString())).exit());
        assertEquals(0, run(with(common, "--epochs", "2", "--checkpoint", parts.toString())).exit());
        Result resumed = run(with(common, "--epochs", "4", "--resume", parts.toString(), "--checkpoint",
                parts.toString()));
        assertEquals(0, resumed.exit(), resumed.err());
        Map<String, StoredTensor> expected = SafeTensors.read(whole).tensors();
        Map<String, StoredTensor> actual = SafeTensors.read(parts).tensors();
        assertEquals(expected.keySet(), actual.keySet());
        assertTrue(expected.containsKey("model.net.recurrent.weight_ih_l0"), expected.keySet().toString());
        expected.forEach((name, tensor) -> assertArrayEquals(tensor.toTensor().data(),
                actual.get(name).toTensor().data(), name + " differs after resuming"));
    }

    @Test
    void missingFileOrColumnSaysWhatIsWrong() throws IOException {
        Result missing = run("timeseries", "--data", work.resolve("none.csv").toString());
        assertEquals(1, missing.exit());
        assertTrue(missing.err().contains("no time series file " + work.resolve("none.csv")), missing.err());
        assertTrue(missing.err().contains("--data FILE"), missing.err());
        assertTrue(missing.err().contains(TimeSeriesCommand.DEFAULT_FILE), missing.err());

        Path csv = work.resolve("sales.csv");
        Files.writeString(csv, "Month,Sales,Returns\n2020-01,1,2\n2020-02,3,4\n");
        Result column = run("timeseries", "--data", csv.toString(), "--column", "Revenue");
        assertEquals(1, column.exit());
        assertTrue(column.err().contains(csv + ":1") && column.err().contains("'Revenue'")
                && column.err().contains("Sales"), column.err());
        Result ambiguous = run("timeseries", "--data", csv.toString());
        assertEquals(1, ambiguous.exit());
        assertTrue(ambiguous.err().contains("Returns"), ambiguous.err());

        Path bad = work.resolve("bad.csv");
        Files.writeString(bad, "Month,Sales\n2020-01,1\n2020-02,many\n");
        Result malformed = run("timeseries", "--data", bad.toString());
        assertEquals(1, malformed.exit());
        assertTrue(malformed.err().contains(bad + ":3") && malformed.err().contains("many"), malformed.err());
    }

    @Test
    void badOptionValuesAndTooShortSeriesAreNamed() throws IOException {
        Result horizon = run("timeseries", "--horizon", "0");
        assertEquals(2, horizon.exit());
        assertTrue(horizon.err().contains("--horizon must be at least 1, got 0"), horizon.err());
        Result test = run("timeseries", "--horizon", "5", "--test-size", "3");
        assertEquals(2, test.exit());
        assertTrue(test.err().contains("--test-size must be at least --horizon 5, got 3"), test.err());
        Result fraction = run("timeseries", "--validation-fraction", "1");
        assertEquals(2, fraction.exit());
        assertTrue(fraction.err().contains("--validation-fraction must be between 0 and 1 (exclusive), got 1.0"),
                fraction.err());
        Result cell = run("timeseries", "--cell", "all");
        assertEquals(2, cell.exit());

        Path csv = SharedFolders.dataOrSkip("airline-passengers").resolve("airline-passengers.csv");
        Result tooShort = run("timeseries", "--data", csv.toString(), "--test-size", "132",
                "--plot", work.resolve("x.png").toString());
        assertEquals(1, tooShort.exit());
        assertTrue(tooShort.err().contains("144 values are too few for --test-size 132"), tooShort.err());
    }

    @Test
    void baselinesAndErrorsAgainstHandComputedValues() {
        double[] series = new double[20];
        Arrays.setAll(series, i -> i * i);
        // lookback 4, horizon 7, targets from position 10: windows with first targets 10, 11, 12, 13.
        io.isthmus.data.SlidingWindows windows = io.isthmus.data.SlidingWindows.withTargetsFrom(series, 4, 7, 10);
        assertEquals(4, windows.size());
        double[] seasonal = Forecasts.seasonalNaive(series, windows, 3);
        double[] naive = Forecasts.naive(series, windows);
        double[] actual = Forecasts.actual(series, windows);
        // Window 1: last seen position 10, targets 11..17; season 3: steps 0-2 go back 3, steps 3-5 back 6, step 6 back 9.
        int[] back = {3, 3, 3, 6, 6, 6, 9};
        for (int k = 0; k < 7; k++) {
            int p = 11 + k;
            assertEquals((double) (p - back[k]) * (p - back[k]), seasonal[7 + k], "step " + k);
            assertEquals(100.0, naive[7 + k]);
            assertEquals((double) p * p, actual[7 + k]);
            assertTrue(p - back[k] <= 10, "the seasonal forecast must use a value the window has seen");
        }
        Forecasts.Errors errors = Forecasts.Errors.of(new double[]{1, 2, 3}, new double[]{2, 2, 5});
        assertEquals(Math.sqrt(5.0 / 3), errors.rmse(), 1e-15);
        assertEquals(1.0, errors.mae(), 1e-15);
        assertEquals(3, errors.points());
        // Every second entry: errors -1 and -2.
        Forecasts.Errors strided = Forecasts.Errors.of(new double[]{1, 2, 3}, new double[]{2, 2, 5}, 0, 2);
        assertEquals(Math.sqrt(2.5), strided.rmse(), 1e-15);
        assertEquals(2, strided.points());
        assertFalse(Double.isNaN(strided.mae()));
    }

    @Test
    void residualForecasterStartsFromTheLastValueItSaw() {
        Forecaster model = new Forecaster(io.isthmus.examples.rnn.CellType.LSTM, 5, 1, 3, true);
        Arrays.fill(model.stateDict().get("net.head.weight").data(), 0f);
        Arrays.fill(model.stateDict().get("net.head.bias").data(), 0f);
        io.isthmus.tensor.Tensor x = io.isthmus.tensor.Tensor.of(new float[]{1, 2, 3, 4, 5, 6, 7, 8}, 2, 4, 1);
        float[] out = model.forward(x).data();
        // A zero head forecasts no change: every step is the window's last value.
        assertArrayEquals(new float[]{4, 4, 4, 8, 8, 8}, out);
        Forecaster level = new Forecaster(io.isthmus.examples.rnn.CellType.RNN, 5, 1, 2, false);
        Arrays.fill(level.stateDict().get("net.head.weight").data(), 0f);
        Arrays.fill(level.stateDict().get("net.head.bias").data(), 0.5f);
        assertArrayEquals(new float[]{0.5f, 0.5f, 0.5f, 0.5f}, level.forward(x).data());
    }

    private static void assertPng(Path file) throws IOException {
        byte[] png = Files.readAllBytes(file);
        assertArrayEquals(new byte[]{(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4));
    }

}
