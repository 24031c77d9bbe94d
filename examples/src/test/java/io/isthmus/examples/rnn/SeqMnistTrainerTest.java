package io.isthmus.examples.rnn;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.isthmus.examples.Commands.Result;
import io.isthmus.examples.MnistSlice;
import io.isthmus.io.SafeTensors;
import io.isthmus.io.StoredTensor;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static io.isthmus.examples.Commands.json;
import static io.isthmus.examples.Commands.run;
import static io.isthmus.examples.Commands.with;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The seq-mnist trainer end to end on slices of the shared MNIST set (skipped without ../shared). */
class SeqMnistTrainerTest {

    @TempDir
    Path work;

    /** Parameters of one layer of a cell with g gates (1 rnn, 4 lstm, 3 gru) plus the Linear head, as PyTorch counts them. */
    private static long parameters(int gates, int input, int hidden, int classes) {
        return (long) gates * hidden * (input + hidden + 2) + (long) classes * (hidden + 1);
    }

    @Test
    void lstmLearnsDigitsReadRowByRow() throws IOException {
        Path data = MnistSlice.write(work.resolve("mnist"), 2000, 500);
        Path report = work.resolve("seq.json");
        Result run = run("seq-mnist", "--data", data.toString(), "--threads", "1", "--epochs", "1",
                "--report", report.toString(), "--plot", work.resolve("seq.png").toString());
        assertEquals(0, run.exit(), run.err());
        JsonObject json = json(report);
        assertEquals("seq-mnist", json.get("command").getAsString());
        assertEquals("lstm", json.get("cell").getAsString());
        assertEquals("lstm 1x128 -> 10", json.get("model").getAsString());
        assertEquals(128, json.get("hidden").getAsInt());
        assertEquals(1, json.get("layers").getAsInt());
        assertEquals(1.0, json.get("clip_norm").getAsDouble());
        // This trainer's own default learning rate, not the shared 1e-3.
        assertEquals(2e-3, json.get("lr").getAsDouble(), 1e-12);
        assertEquals(parameters(4, 28, 128, 10), json.get("parameters").getAsLong());
        assertEquals(1, json.getAsJsonArray("history").size());
        double accuracy = json.getAsJsonObject("test").get("accuracy").getAsDouble();
        // Measured 0.446 after one epoch of 2000 digits (10% is chance; the full set reaches 0.98 in 5 epochs).
        assertTrue(accuracy >= 0.30, "one epoch on 2000 digits should reach 30% test accuracy, got " + accuracy);
        assertPng(work.resolve("seq.png"));
    }

    @Test
    void cellAllTrainsTheThreeCellsAndReportsThemSideBySide() throws IOException {
        Path data = MnistSlice.write(work.resolve("mnist"), 300, 100);
        Path report = work.resolve("all.json");
        Result run = run("seq-mnist", "--data", data.toString(), "--threads", "1", "--epochs", "1", "--cell", "all",
                "--hidden", "16", "--report", report.toString(), "--plot", work.resolve("all.png").toString());
        assertEquals(0, run.exit(), run.err());
        JsonObject json = json(report);
        assertEquals("all", json.get("cell").getAsString());
        JsonArray rows = json.getAsJsonArray("comparison");
        assertEquals(3, rows.size());
        String[] cells = {"rnn", "lstm", "gru"};
        int[] gates = {1, 4, 3};
        for (int i = 0; i < 3; i++) {
            JsonObject row = rows.get(i).getAsJsonObject();
            assertEquals(cells[i], row.get("cell").getAsString());
            assertEquals(parameters(gates[i], 28, 16, 10), row.get("parameters").getAsLong(), cells[i]);
            double accuracy = row.get("test_accuracy").getAsDouble();
            assertTrue(accuracy >= 0 && accuracy <= 1, cells[i] + " accuracy " + accuracy);
            assertTrue(row.get("seconds_per_epoch").getAsDouble() > 0, row.toString());
            JsonObject full = json.getAsJsonObject("runs").getAsJsonObject(cells[i]);
            assertEquals(cells[i], full.get("cell").getAsString());
            assertEquals(accuracy, full.getAsJsonObject("test").get("accuracy").getAsDouble());
            assertEquals(1, full.getAsJsonArray("history").size());
            assertPng(work.resolve("all-" + cells[i] + ".png"));
            // Each run's own report is kept beside the combined one.
            assertEquals(cells[i], json(work.resolve("all-" + cells[i] + ".json")).get("cell").getAsString());
        }
        Result checkpoint = run("seq-mnist", "--data", data.toString(), "--cell", "all", "--checkpoint",
                work.resolve("c.safetensors").toString());
        assertEquals(2, checkpoint.exit());
        assertTrue(checkpoint.err().contains("--cell all trains three models"), checkpoint.err());
    }

    /** Without dropout the run is deterministic on one thread, so a resumed run repeats the uninterrupted one. */
    @Test
    void aResumedRunEqualsAnUninterruptedOne() throws IOException {
        Path data = MnistSlice.write(work.resolve("mnist"), 256, 64);
        Path whole = work.resolve("whole.safetensors");
        Path parts = work.resolve("parts.safetensors");
        String[] common = {"seq-mnist", "--data", data.toString(), "--threads", "1", "--hidden", "8", "--cell", "gru",
                "--plot", work.resolve("r.png").toString()};
        assertEquals(0, run(with(common, "--epochs", "2", "--checkpoint", whole.toString())).exit());
        assertEquals(0, run(with(common, "--epochs", "1", "--checkpoint", parts.toString())).exit());
        Result resumed = run(with(common, "--epochs", "2", "--resume", parts.toString(), "--checkpoint",
                parts.toString()));
        assertEquals(0, resumed.exit(), resumed.err());
        Map<String, StoredTensor> expected = SafeTensors.read(whole).tensors();
        Map<String, StoredTensor> actual = SafeTensors.read(parts).tensors();
        assertEquals(expected.keySet(), actual.keySet());
        assertTrue(expected.containsKey("model.0.recurrent.weight_hh_l0"), expected.keySet().toString());
        expected.forEach((name, tensor) -> assertArrayEquals(tensor.toTensor().data(),
                actual.get(name).toTensor().data(), name + " differs after resuming"));
    }

    @Test
    void missingDataSaysWhereItLookedAndHowToGetIt() {
        Result run = run("seq-mnist", "--data", work.toString(), "--plot", work.resolve("x.png").toString());
        assertEquals(1, run.exit());
        assertTrue(run.err().contains("no MNIST data in " + work), run.err());
        assertTrue(run.err().contains("train-images-idx3-ubyte"), run.err());
        assertTrue(run.err().contains("--data DIR"), run.err());
        assertTrue(run.err().contains("./data/mnist"), run.err());
    }

    @Test
    void badOptionValuesAreNamed() {
        Result hidden = run("seq-mnist", "--hidden", "0");
        assertEquals(2, hidden.exit());
        assertTrue(hidden.err().contains("--hidden must be at least 1, got 0"), hidden.err());
        Result layers = run("seq-mnist", "--layers", "-1");
        assertEquals(2, layers.exit());
        assertTrue(layers.err().contains("--layers must be at least 1, got -1"), layers.err());
        Result clip = run("seq-mnist", "--clip-norm", "-0.5");
        assertEquals(2, clip.exit());
        assertTrue(clip.err().contains("--clip-norm must be 0 (off) or a positive number, got -0.5"), clip.err());
        Result cell = run("seq-mnist", "--cell", "transformer");
        assertEquals(2, cell.exit());
        assertTrue(cell.err().contains("transformer") && cell.err().toLowerCase(java.util.Locale.ROOT).contains("lstm"),
                cell.err());
    }

    @Test
    void lastStepNetReadsTheLastStepAndRejectsOtherShapes() {
        LastStepNet net = new LastStepNet(CellType.GRU, 3, 7, 2, 5);
        Tensor out = net.forward(Tensor.zeros(4, 17, 3));
        assertArrayEquals(new int[]{4, 5}, out.shape());
        assertEquals("gru 2x7 -> 5", net.recipe());
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                () -> net.forward(Tensor.zeros(4, 17, 2)));
        assertTrue(wrong.getMessage().contains("[B, T, 3]") && wrong.getMessage().contains("[4, 17, 2]"),
                wrong.getMessage());
        IllegalArgumentException sizes = assertThrows(IllegalArgumentException.class,
                () -> new LastStepNet(CellType.LSTM, 3, 0, 1, 5));
        assertTrue(sizes.getMessage().contains("hidden 0"), sizes.getMessage());
    }

    @Test
    void withSuffixInsertsTheCellBeforeTheExtension() {
        assertEquals(Path.of("reports/seq-mnist-gru.png"),
                SeqMnistCommand.withSuffix(Path.of("reports/seq-mnist.png"), "-gru"));
        assertEquals(Path.of("plot-rnn"), SeqMnistCommand.withSuffix(Path.of("plot"), "-rnn"));
    }

    private static void assertPng(Path file) throws IOException {
        byte[] png = Files.readAllBytes(file);
        assertArrayEquals(new byte[]{(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4));
    }

}
