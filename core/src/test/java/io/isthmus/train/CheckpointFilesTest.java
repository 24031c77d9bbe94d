package io.isthmus.train;

import io.isthmus.data.DataLoader;
import io.isthmus.io.SafeTensors;
import io.isthmus.loss.CrossEntropyLoss;
import io.isthmus.nn.Dropout;
import io.isthmus.nn.Linear;
import io.isthmus.nn.ReLU;
import io.isthmus.nn.Sequential;
import io.isthmus.optim.Adam;
import io.isthmus.optim.LrScheduler;
import io.isthmus.optim.StepLR;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a checkpoint file holds, and how wrong files are rejected. */
class CheckpointFilesTest {

    private static Sequential mlp(long seed) {
        return new Sequential(new Linear(4, 8, true, new SplittableRandom(seed)), new ReLU(),
                new Linear(8, 3, true, new SplittableRandom(seed + 1)));
    }

    private static Trainer trainer(Sequential model) {
        return new Trainer(model, new CrossEntropyLoss(), new Adam(model.parameters(), 0.01), new Accuracy());
    }

    private static DataLoader data() {
        return TrainFixtures.loader(TrainFixtures.blobs(30, 4, 3, 1.0, 9), 8, false, 0);
    }

    @Test
    void checkpointHoldsWeightsOptimizerSchedulerEpochAndHistory(@TempDir Path dir) throws IOException {
        Sequential model = mlp(1);
        Adam adam = new Adam(model.parameters(), 0.01);
        Trainer trainer = new Trainer(model, new CrossEntropyLoss(), adam)
                .scheduler(new LrScheduler(adam, new StepLR(1, 0.5)));
        trainer.fit(data(), 2, null);
        Path file = dir.resolve("sub/dir/ckpt.safetensors");  // parent folders are created
        trainer.saveCheckpoint(file);

        SafeTensors read = SafeTensors.read(file);
        assertTrue(read.tensors().keySet().containsAll(List.of("model.0.weight", "model.0.bias", "model.2.weight",
                "model.2.bias", "optimizer.hyper.lr", "optimizer.state.0.step", "optimizer.state.0.exp_avg",
                "scheduler.step", "scheduler.base_lr")), read.tensors().keySet().toString());
        assertEquals(8f, read.tensors().get("optimizer.state.0.step").toTensor().item(), "4 batches per epoch x 2 epochs");
        assertEquals("2", read.metadata().get("epoch"), "the next epoch to run");
        assertTrue(read.metadata().get("history").contains("\"loss\""), read.metadata().get("history"));
        assertArrayEquals(model.stateDict().get("2.weight").data(), read.tensors().get("model.2.weight").toTensor().data());
        // Atomic write: no temporary file is left beside the checkpoint.
        try (var files = Files.list(file.getParent())) {
            assertEquals(List.of(file.getFileName().toString()), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void resumeRestoresTheEpochAndHistoryAndFitContinuesFromThere(@TempDir Path dir) throws IOException {
        Trainer first = trainer(mlp(1));
        first.fit(data(), 3, null);
        Path file = dir.resolve("c.safetensors");
        first.saveCheckpoint(file);

        Trainer second = trainer(mlp(50));
        second.resume(file);
        assertEquals(3, second.nextEpoch());
        assertEquals(2, second.lastEpoch());
        assertEquals(first.history().get("loss"), second.history().get("loss"));
        assertArrayEquals(TrainFixtures.flatState(first.model()), TrainFixtures.flatState(second.model()));

        List<Integer> ran = new java.util.ArrayList<>();
        History history = second.fit(data(), 5, null, new Callback() {
            @Override
            public void onEpochBegin(Trainer trainer, int epoch) {
                ran.add(epoch);
            }
        });
        assertEquals(List.of(3, 4), ran, "a resumed fit runs only the remaining epochs");
        assertEquals(List.of(0, 1, 2, 3, 4), history.epochs());
        var e = assertThrows(IllegalArgumentException.class, () -> second.fit(data(), 4, null));
        assertTrue(e.getMessage().contains("before the resumed epoch 5"), e.getMessage());
    }

    @Test
    void resumeFromAMissingFileNamesThePath(@TempDir Path dir) {
        Path missing = dir.resolve("nope.safetensors");
        var e = assertThrows(NoSuchFileException.class, () -> trainer(mlp(1)).resume(missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void resumeFromAWeightsOnlyFileSaysItIsNotACheckpoint(@TempDir Path dir) throws IOException {
        Sequential model = mlp(1);
        Path weights = dir.resolve("weights.safetensors");
        model.save(weights);
        var e = assertThrows(IOException.class, () -> trainer(mlp(2)).resume(weights));
        assertTrue(e.getMessage().contains(weights.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("not an Isthmus checkpoint"), e.getMessage());
        assertTrue(e.getMessage().contains("model.load(path)"), "points at the right call: " + e.getMessage());
    }

    @Test
    void loadingACheckpointAsWeightsSaysToResumeIt(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("run.ckpt");
        trainer(mlp(1)).saveCheckpoint(file);
        Sequential model = mlp(2);
        float[] before = model.stateDict().get("0.weight").data().clone();
        var e = assertThrows(IllegalArgumentException.class, () -> model.load(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("Trainer.resume"), e.getMessage());
        assertArrayEquals(before, model.stateDict().get("0.weight").data(), "nothing loaded");
    }

    @Test
    void resumeFromAFileThatIsNotSafetensorsNamesTheFile(@TempDir Path dir) throws IOException {
        Path text = dir.resolve("notes.safetensors");
        Files.writeString(text, "epoch,loss\n0,1.0\n");
        var e = assertThrows(IOException.class, () -> trainer(mlp(1)).resume(text));
        assertTrue(e.getMessage().contains(text.toString()), e.getMessage());
    }

    @Test
    void resumeIntoADifferentArchitectureNamesTheMismatch(@TempDir Path dir) throws IOException {
        Trainer small = trainer(mlp(1));
        Path file = dir.resolve("c.safetensors");
        small.saveCheckpoint(file);
        var wider = new Sequential(new Linear(4, 16), new ReLU(), new Linear(16, 3));
        var e = assertThrows(IllegalArgumentException.class, () -> trainer(wider).resume(file));
        assertTrue(e.getMessage().contains("'0.weight'") && e.getMessage().contains("[8, 4]")
                && e.getMessage().contains("[16, 4]"), e.getMessage());
    }

    @Test
    void checkpointWithASchedulerNeedsATrainerWithOne(@TempDir Path dir) throws IOException {
        Sequential model = mlp(1);
        Adam adam = new Adam(model.parameters(), 0.01);
        new Trainer(model, new CrossEntropyLoss(), adam).scheduler(new LrScheduler(adam, new StepLR(1, 0.5)))
                .saveCheckpoint(dir.resolve("c.safetensors"));
        var e = assertThrows(IOException.class, () -> trainer(mlp(1)).resume(dir.resolve("c.safetensors")));
        assertTrue(e.getMessage().contains("scheduler"), e.getMessage());
    }

    @Test
    void dropoutStreamIsRestoredWithItsSeedAndOlderPositionOnlyFilesStillLoad(@TempDir Path dir) throws IOException {
        var model = new Sequential(new Linear(4, 8, true, new SplittableRandom(1)), new Dropout(0.5f, 123),
                new Linear(8, 3, true, new SplittableRandom(2)));
        Trainer trainer = trainer(model);
        trainer.fit(data(), 1, null);
        Path file = dir.resolve("c.safetensors");
        trainer.saveCheckpoint(file);
        SafeTensors read = SafeTensors.read(file);
        assertEquals("{\"1\":[123,4]}", read.metadata().get("random_state"), "seed 123, 4 batches drawn");

        Dropout fresh = new Dropout(0.5f, 7);
        trainer(new Sequential(new Linear(4, 8), fresh, new Linear(8, 3))).resume(file);
        assertArrayEquals(new long[]{123, 4}, fresh.randomState());

        // Files from before the seed was saved hold the position alone: it is applied to the model's own seed.
        Map<String, String> metadata = new java.util.LinkedHashMap<>(read.metadata());
        metadata.put("random_state", "{\"1\":4}");
        Path old = dir.resolve("old.safetensors");
        new SafeTensors(read.tensors(), metadata).write(old);
        Dropout older = new Dropout(0.5f, 7);
        trainer(new Sequential(new Linear(4, 8), older, new Linear(8, 3))).resume(old);
        assertArrayEquals(new long[]{7, 4}, older.randomState());
    }

    @Test
    void weightsRoundTripExactlyWithPyTorchNames(@TempDir Path dir) throws IOException {
        Sequential saved = mlp(1);
        Path file = dir.resolve("w.safetensors");
        saved.save(file);
        SafeTensors read = SafeTensors.read(file);
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), List.copyOf(read.tensors().keySet()));
        assertEquals("pt", read.metadata().get("format"));

        Sequential loaded = mlp(7);
        assertFalse(java.util.Arrays.equals(TrainFixtures.flatState(saved), TrainFixtures.flatState(loaded)));
        loaded.load(file);
        assertArrayEquals(TrainFixtures.flatState(saved), TrainFixtures.flatState(loaded));
    }

    @Test
    void loadWeightsNamesMissingAndUnexpectedKeys(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("w.safetensors");
        SafeTensors.ofTensors(Map.of("0.weight", Tensor.zeros(8, 4), "0.bias", Tensor.zeros(8),
                "2.weight", Tensor.zeros(3, 8), "3.bias", Tensor.zeros(3)), Map.of()).write(file);
        var e = assertThrows(IllegalArgumentException.class, () -> mlp(1).load(file));
        assertTrue(e.getMessage().contains("missing keys [2.bias]"), e.getMessage());
        assertTrue(e.getMessage().contains("unexpected keys [3.bias]"), e.getMessage());
    }

    @Test
    void loadWeightsFromAMissingFileNamesThePath(@TempDir Path dir) {
        Path missing = dir.resolve("absent.safetensors");
        var e = assertThrows(NoSuchFileException.class, () -> mlp(1).load(missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }
}
