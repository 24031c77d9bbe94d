package io.isthmus.examples.cnn;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.isthmus.data.Cifar10Format;
import io.isthmus.examples.MnistSlice;
import io.isthmus.examples.Commands.Result;
import io.isthmus.io.SafeTensors;
import io.isthmus.io.StoredTensor;
import io.isthmus.testing.SharedFolders;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CNN trainers end to end on slices of the shared MNIST and CIFAR-10 subset (skipped without ../shared). */
class CnnTrainersTest {

    @TempDir
    Path work;

    private Path mnistSlice(int train, int test) throws IOException {
        return MnistSlice.write(work.resolve("mnist"), train, test);
    }

    /** Records [from, to) of the CIFAR-10 subset's training file written as {@code name} in {@code dir}. */
    private static void cifarSlice(Path dir, String name, int from, int to) throws IOException {
        Path subset = SharedFolders.dataOrSkip("cifar10-subset").resolve("data_batch_1_first4000.bin");
        byte[] all = Files.readAllBytes(subset);
        Files.createDirectories(dir);
        Files.write(dir.resolve(name), Arrays.copyOfRange(all, from * Cifar10Format.RECORD_BYTES,
                to * Cifar10Format.RECORD_BYTES));
    }

    private static void assertPng(Path file) throws IOException {
        byte[] png = Files.readAllBytes(file);
        assertArrayEquals(new byte[]{(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4));
    }

    @Test
    void cnnLearnsMnistDigits() throws IOException {
        Path data = mnistSlice(3000, 500);
        Path report = work.resolve("cnn.json");
        Result run = run("cnn", "--data", data.toString(), "--threads", "1", "--epochs", "2",
                "--report", report.toString(), "--plot", work.resolve("cnn.png").toString());
        assertEquals(0, run.exit(), run.err());
        JsonObject json = json(report);
        assertEquals("cnn", json.get("command").getAsString());
        assertEquals(Cnn.DESCRIPTION, json.get("model").getAsString());
        assertEquals(64, json.get("batch_size").getAsInt());
        assertEquals(2, json.getAsJsonArray("history").size());
        double accuracy = json.getAsJsonObject("test").get("accuracy").getAsDouble();
        // Measured 0.908 (10% is chance): the margin absorbs GEMM paths that round differently.
        assertTrue(accuracy >= 0.85, "2 epochs on 3000 MNIST digits should reach 85% test accuracy, got " + accuracy);
        assertPng(work.resolve("cnn.png"));
    }

    @Test
    void cifar10HoldsOutAValidationSplitWhenThereIsNoTestFile() throws IOException {
        Path data = work.resolve("cifar");
        cifarSlice(data, "data_batch_1.bin", 0, 400);
        Path report = work.resolve("cifar.json");
        Result run = run("cifar10", "--data", data.toString(), "--threads", "1", "--epochs", "2",
                "--report", report.toString(), "--plot", work.resolve("cifar.png").toString());
        assertEquals(0, run.exit(), run.err());
        JsonObject json = json(report);
        assertEquals("cifar10", json.get("command").getAsString());
        assertTrue(json.get("batch_norm").getAsBoolean());
        assertTrue(json.get("dropout").getAsBoolean());
        assertEquals("random crop 32x32 padded by 4, horizontal flip", json.get("augmentation").getAsString());
        assertEquals(360, json.get("training_samples").getAsInt());
        assertEquals(40, json.get("validation_samples").getAsInt());
        assertEquals(3, json.getAsJsonArray("normalize_mean").size());
        JsonArray history = json.getAsJsonArray("history");
        assertEquals(2, history.size());
        assertTrue(history.get(1).getAsJsonObject().has("val_accuracy"), history.toString());
        double loss = json.getAsJsonObject("validation").get("loss").getAsDouble();
        assertTrue(Double.isFinite(loss), "validation loss " + loss);
        assertPng(work.resolve("cifar.png"));
    }

    @Test
    void cifar10RunsWithoutAugmentationBatchNormAndDropoutOnATestFile() throws IOException {
        Path data = work.resolve("cifar");
        cifarSlice(data, "data_batch_1.bin", 0, 300);
        cifarSlice(data, Cifar10Format.TEST_BATCH, 300, 400);
        Path report = work.resolve("plain.json");
        Result run = run("cifar10", "--data", data.toString(), "--threads", "1", "--epochs", "1",
                "--no-augmentation", "--no-batch-norm", "--no-dropout",
                "--report", report.toString(), "--plot", work.resolve("plain.png").toString());
        assertEquals(0, run.exit(), run.err());
        JsonObject json = json(report);
        assertEquals("none", json.get("augmentation").getAsString());
        assertTrue(!json.get("batch_norm").getAsBoolean() && !json.get("dropout").getAsBoolean(), json.toString());
        assertEquals(Cifar10Net.describe(10, false, false), json.get("model").getAsString());
        assertEquals(300, json.get("training_samples").getAsInt());
        assertEquals(100, json.get("test_samples").getAsInt());
        assertTrue(json.has("test") && !json.has("validation"), json.toString());
    }

    /** The CNN's checkpoint carries the dropout's random state, so a resumed run repeats the uninterrupted one. */
    @Test
    void aResumedCnnRunEqualsAnUninterruptedOne() throws IOException {
        Path data = mnistSlice(320, 100);
        Path whole = work.resolve("whole.safetensors");
        Path parts = work.resolve("parts.safetensors");
        String[] common = {"cnn", "--data", data.toString(), "--threads", "1", "--plot", work.resolve("r.png").toString()};
        assertEquals(0, run(with(common, "--epochs", "2", "--checkpoint", whole.toString())).exit());
        assertEquals(0, run(with(common, "--epochs", "1", "--checkpoint", parts.toString())).exit());
        Result resumed = run(with(common, "--epochs", "2", "--resume", parts.toString(), "--checkpoint",
                parts.toString()));
        assertEquals(0, resumed.exit(), resumed.err());
        Map<String, StoredTensor> expected = SafeTensors.read(whole).tensors();
        Map<String, StoredTensor> actual = SafeTensors.read(parts).tensors();
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((name, tensor) -> assertArrayEquals(tensor.toTensor().data(),
                actual.get(name).toTensor().data(), name + " differs after resuming"));
    }

    @Test
    void cifar10WithPatienceKeepsTheBestEpoch() throws IOException {
        Path data = work.resolve("cifar");
        cifarSlice(data, "data_batch_1.bin", 0, 200);
        Path report = work.resolve("best.json");
        Result run = run("cifar10", "--data", data.toString(), "--threads", "1", "--epochs", "3", "--patience", "1",
                "--lr", "0.01", "--checkpoint-dir", work.resolve("ckpt").toString(),
                "--report", report.toString(), "--plot", work.resolve("best.png").toString());
        assertEquals(0, run.exit(), run.err());
        JsonObject json = json(report);
        JsonArray history = json.getAsJsonArray("history");
        int best = 0;
        for (int i = 1; i < history.size(); i++) {
            if (valLoss(history, i) < valLoss(history, best)) {
                best = i;
            }
        }
        assertEquals(best + 1, json.get("kept_epoch").getAsInt());
        assertEquals(1, json.get("patience").getAsInt());
        Path checkpoint = Path.of(json.get("best_checkpoint").getAsString());
        assertTrue(checkpoint.getFileName().toString().startsWith(String.format("cifar10-%02d-", best + 1)),
                checkpoint.toString());
        assertTrue(Files.isRegularFile(checkpoint), checkpoint + " was not written");
    }

    private static double valLoss(JsonArray history, int index) {
        return history.get(index).getAsJsonObject().get("val_loss").getAsDouble();
    }


    @Test
    void missingDataSaysWhereItLookedAndHowToGetIt() {
        Result cifar = run("cifar10", "--data", work.toString(), "--plot", work.resolve("x.png").toString());
        assertEquals(1, cifar.exit());
        assertTrue(cifar.err().contains("no CIFAR-10 data in " + work), cifar.err());
        assertTrue(cifar.err().contains("cs.toronto.edu"), "says where to get the files: " + cifar.err());
        assertTrue(cifar.err().contains("cifar-10-binary.tar.gz"), cifar.err());
        assertTrue(cifar.err().contains("--data DIR"), cifar.err());

        Result mnist = run("cnn", "--data", work.toString(), "--plot", work.resolve("y.png").toString());
        assertEquals(1, mnist.exit());
        assertTrue(mnist.err().contains("train-images-idx3-ubyte"), mnist.err());
        assertTrue(mnist.err().contains("--data DIR"), mnist.err());
    }

    @Test
    void badOptionValuesAreNamed() {
        Result fraction = run("cifar10", "--data", work.toString(), "--validation-fraction", "0");
        assertEquals(2, fraction.exit());
        assertTrue(fraction.err().contains("--validation-fraction must be between 0 and 1 (exclusive), got 0.0"),
                fraction.err());
        Result batch = run("cnn", "--batch-size", "0");
        assertEquals(2, batch.exit());
        assertTrue(batch.err().contains("--batch-size must be at least 1, got 0"), batch.err());
    }
}
