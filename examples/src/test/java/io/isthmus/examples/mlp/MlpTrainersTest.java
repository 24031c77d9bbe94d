package io.isthmus.examples.mlp;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.isthmus.examples.Commands.Result;
import io.isthmus.io.SafeTensors;
import io.isthmus.io.StoredTensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

import static io.isthmus.examples.Commands.json;
import static io.isthmus.examples.Commands.run;
import static io.isthmus.examples.Commands.with;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The trainers end to end on a small synthetic data set in the MNIST layout. */
class MlpTrainersTest {

    private static final int SIDE = 28;
    private static final int CLASSES = 10;

    @TempDir
    static Path data;

    @TempDir
    Path work;

    /** Each class lights its own band of rows, with noise: learnable in a few epochs. */
    @BeforeAll
    static void writeData() throws IOException {
        writeSplit("train", 640, 1);
        writeSplit("t10k", 160, 2);
    }

    private static void writeSplit(String prefix, int count, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] pixels = new byte[count * SIDE * SIDE];
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++) {
            int label = random.nextInt(CLASSES);
            labels[i] = (byte) label;
            for (int p = 0; p < SIDE * SIDE; p++) {
                boolean band = p / SIDE / 3 == label;
                pixels[i * SIDE * SIDE + p] = (byte) (band ? 150 + random.nextInt(100) : random.nextInt(60));
            }
        }
        writeIdx(data.resolve(prefix + "-images-idx3-ubyte"), 0x803, new int[]{count, SIDE, SIDE}, pixels);
        writeIdx(data.resolve(prefix + "-labels-idx1-ubyte"), 0x801, new int[]{count}, labels);
    }

    private static void writeIdx(Path file, int magic, int[] dims, byte[] body) throws IOException {
        try (OutputStream out = Files.newOutputStream(file); DataOutputStream idx = new DataOutputStream(out)) {
            idx.writeInt(magic);
            for (int d : dims) {
                idx.writeInt(d);
            }
            idx.write(body);
        }
    }

    private String[] mlp(String... extra) {
        String[] base = {"mlp", "--data", data.toString(), "--threads", "1", "--hidden", "32",
                "--plot", work.resolve("mlp.png").toString()};
        return with(base, extra);
    }

    @Test
    void mlpWritesTheReportAndThePlot() throws IOException {
        Path report = work.resolve("report.json");
        Result run = run(mlp("--epochs", "3", "--report", report.toString()));
        assertEquals(0, run.exit(), run.err());
        JsonObject json = json(report);
        assertEquals("mlp", json.get("command").getAsString());
        assertEquals("784-32-10", json.get("model").getAsString());
        JsonArray history = json.getAsJsonArray("history");
        assertEquals(3, history.size());
        for (int epoch = 0; epoch < 3; epoch++) {
            JsonObject entry = history.get(epoch).getAsJsonObject();
            assertEquals(epoch + 1, entry.get("epoch").getAsInt());
            for (String key : new String[]{"loss", "accuracy", "seconds", "val_loss", "val_accuracy"}) {
                assertTrue(entry.has(key), key + " missing in " + entry);
            }
        }
        assertTrue(json.get("seconds_per_epoch").getAsDouble() > 0);
        double[] seconds = history.asList().stream()
                .mapToDouble(e -> e.getAsJsonObject().get("seconds").getAsDouble()).toArray();
        assertEquals((seconds[1] + seconds[2]) / 2, json.get("seconds_per_epoch_after_first").getAsDouble(), 1e-12);
        double testAccuracy = json.getAsJsonObject("test").get("accuracy").getAsDouble();
        assertTrue(testAccuracy > 0.5, "the bands are easy to learn, got accuracy " + testAccuracy);
        byte[] png = Files.readAllBytes(work.resolve("mlp.png"));
        assertArrayEquals(new byte[]{(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4));
    }

    @Test
    void aResumedRunEqualsAnUninterruptedOne() throws IOException {
        Path whole = work.resolve("whole.safetensors");
        Path wholeReport = work.resolve("whole.json");
        assertEquals(0, run(mlp("--epochs", "3", "--checkpoint", whole.toString(), "--report",
                wholeReport.toString())).exit());

        Path parts = work.resolve("parts.safetensors");
        Path partsReport = work.resolve("parts.json");
        assertEquals(0, run(mlp("--epochs", "2", "--checkpoint", parts.toString())).exit());
        Result resumed = run(mlp("--epochs", "3", "--resume", parts.toString(), "--checkpoint", parts.toString(),
                "--report", partsReport.toString()));
        assertEquals(0, resumed.exit(), resumed.err());

        Map<String, StoredTensor> expected = SafeTensors.read(whole).tensors();
        Map<String, StoredTensor> actual = SafeTensors.read(parts).tensors();
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((name, tensor) -> assertArrayEquals(tensor.toTensor().data(),
                actual.get(name).toTensor().data(), name + " differs after resuming"));
        JsonObject a = json(wholeReport);
        JsonObject b = json(partsReport);
        assertEquals(a.get("test"), b.get("test"));
        for (int epoch = 0; epoch < 3; epoch++) {
            for (String key : new String[]{"loss", "accuracy", "val_loss", "val_accuracy"}) {
                JsonElement left = a.getAsJsonArray("history").get(epoch).getAsJsonObject().get(key);
                JsonElement right = b.getAsJsonArray("history").get(epoch).getAsJsonObject().get(key);
                assertEquals(left, right, key + " of epoch " + (epoch + 1));
            }
        }
    }

    @Test
    void mlpCallbacksKeepsTheEpochWithTheLowestValidationLoss() throws IOException {
        Path report = work.resolve("callbacks.json");
        Path checkpoints = work.resolve("ckpt");
        Result run = run("mlp-callbacks", "--data", data.toString(), "--threads", "1", "--hidden", "32", "--epochs", "6",
                "--patience", "1", "--lr", "0.01", "--checkpoint-dir", checkpoints.toString(),
                "--plot", work.resolve("callbacks.png").toString(), "--report", report.toString());
        assertEquals(0, run.exit(), run.err());
        JsonObject json = json(report);
        assertEquals(64, json.get("validation_samples").getAsInt());
        JsonArray history = json.getAsJsonArray("history");
        int best = 0;
        for (int i = 1; i < history.size(); i++) {
            if (valLoss(history, i) < valLoss(history, best)) {
                best = i;
            }
        }
        assertEquals(best + 1, json.get("kept_epoch").getAsInt());
        Path checkpoint = Path.of(json.get("best_checkpoint").getAsString());
        assertTrue(Files.isRegularFile(checkpoint), checkpoint + " was not written");
        assertTrue(checkpoint.getFileName().toString().startsWith(String.format("mlp-%02d-", best + 1)),
                checkpoint.toString());
        assertTrue(Files.isRegularFile(work.resolve("callbacks.png")));
    }

    private static double valLoss(JsonArray history, int index) {
        return history.get(index).getAsJsonObject().get("val_loss").getAsDouble();
    }

    @Test
    void missingDataSaysWhereItLookedAndHowToGetIt() {
        Result run = run("mlp", "--data", work.toString(), "--plot", work.resolve("x.png").toString());
        assertEquals(1, run.exit());
        assertTrue(run.err().contains(work.toString()), run.err());
        assertTrue(run.err().contains("train-images-idx3-ubyte"), run.err());
        assertTrue(run.err().contains("apt-get install dataset-fashion-mnist"), run.err());
        assertTrue(run.err().contains("--data DIR"), run.err());
    }

    /** Batches built ahead on another thread are the same batches: the same run, metric for metric. */
    @Test
    void prefetchingBatchesGivesTheSameRun() throws IOException {
        Path inline = work.resolve("inline.json");
        Path ahead = work.resolve("ahead.json");
        assertEquals(0, run(mlp("--epochs", "2", "--report", inline.toString())).exit());
        Result run = run(mlp("--epochs", "2", "--prefetch", "2", "--report", ahead.toString()));
        assertEquals(0, run.exit(), run.err());
        JsonObject expected = json(inline);
        JsonObject actual = json(ahead);
        assertEquals(0, expected.get("prefetch").getAsInt());
        assertEquals(2, actual.get("prefetch").getAsInt());
        for (int epoch = 0; epoch < 2; epoch++) {
            JsonObject want = expected.getAsJsonArray("history").get(epoch).getAsJsonObject();
            JsonObject got = actual.getAsJsonArray("history").get(epoch).getAsJsonObject();
            for (String key : new String[]{"loss", "accuracy", "val_loss", "val_accuracy"}) {
                assertEquals(want.get(key).getAsDouble(), got.get(key).getAsDouble(), 0.0, key + " of epoch " + (epoch + 1));
            }
        }
    }

    @Test
    void badOptionValuesAreNamed() {
        Result batch = run(mlp("--batch-size", "0"));
        assertEquals(2, batch.exit());
        assertTrue(batch.err().contains("--batch-size must be at least 1, got 0"), batch.err());
        Result optimizer = run(mlp("--optimizer", "adagrad"));
        assertEquals(2, optimizer.exit());
        assertTrue(optimizer.err().contains("adagrad"), optimizer.err());
        Result fraction = run("mlp-callbacks", "--data", data.toString(), "--validation-fraction", "1.5");
        assertEquals(2, fraction.exit());
        assertTrue(fraction.err().contains("--validation-fraction must be between 0 and 1 (exclusive), got 1.5"),
                fraction.err());
        Result prefetch = run(mlp("--prefetch", "-1"));
        assertEquals(2, prefetch.exit());
        assertTrue(prefetch.err().contains("--prefetch must be 0 or more, got -1"), prefetch.err());
        Result resume = run(mlp("--resume", work.resolve("none.safetensors").toString()));
        assertEquals(1, resume.exit());
        assertTrue(resume.err().contains("none.safetensors: no such file"), resume.err());
    }
}
