package io.isthmus.train;

import io.isthmus.data.DataLoader;
import io.isthmus.io.SafeTensors;
import io.isthmus.loss.CrossEntropyLoss;
import io.isthmus.nn.Linear;
import io.isthmus.nn.ReLU;
import io.isthmus.nn.Sequential;
import io.isthmus.optim.Adam;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ModelCheckpoint: file names from the pattern, save-best-only, weights-only, bad patterns. */
class ModelCheckpointTest {

    private static Sequential model() {
        return new Sequential(new Linear(3, 8, true, new SplittableRandom(1)), new ReLU(),
                new Linear(8, 2, true, new SplittableRandom(2)));
    }

    private static DataLoader train() {
        return TrainFixtures.loader(TrainFixtures.blobs(24, 3, 2, 1.0, 1), 8, true, 1);
    }

    private static DataLoader validation() {
        return TrainFixtures.loader(TrainFixtures.blobs(12, 3, 2, 1.0, 2), 12, false, 0);
    }

    private static List<String> files(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void patternNamesTheEpochAndValidationLossOfEachFile(@TempDir Path dir) throws IOException {
        Sequential model = model();
        Trainer trainer = new Trainer(model, new CrossEntropyLoss(), new Adam(model.parameters(), 0.01));
        var checkpoint = ModelCheckpoint.builder(dir + "/mlp-{epoch:02d}-{val_loss:.4f}.safetensors").build();
        History history = trainer.fit(train(), 3, validation(), checkpoint);

        List<String> expected = new java.util.ArrayList<>();
        for (int e = 0; e < 3; e++) {
            expected.add(String.format(Locale.ROOT, "mlp-%02d-%.4f.safetensors", e + 1, history.get("val_loss").get(e)));
        }
        assertEquals(expected, files(dir));
        assertTrue(expected.get(0).matches("mlp-01-\\d\\.\\d{4}\\.safetensors"), expected.get(0));
        assertEquals(dir.resolve(expected.get(2)), checkpoint.lastSaved());
        assertEquals(2, checkpoint.lastSavedEpoch());

        // Full checkpoints: the epoch-2 file resumes at epoch 2 with that epoch's history.
        Trainer resumed = new Trainer(model(), new CrossEntropyLoss(), new Adam(model().parameters(), 0.01));
        resumed.resume(dir.resolve(expected.get(1)));
        assertEquals(2, resumed.nextEpoch());
        assertEquals(history.get("val_loss").subList(0, 2), resumed.history().get("val_loss"));
    }

    @Test
    void saveBestOnlyWritesOnlyImprovingEpochs(@TempDir Path dir) throws IOException {
        var score = new TrainFixtures.ScriptedMetric("score", 3.0, 2.0, 2.5, 1.0, 1.5);
        Sequential model = model();
        Trainer trainer = new Trainer(model, new CrossEntropyLoss(), new Adam(model.parameters(), 0.01), score);
        var best = ModelCheckpoint.builder(dir + "/best-{epoch:02d}-{score:.1f}.safetensors")
                .monitor("score").mode(Mode.MIN).saveBestOnly(true).build();
        var saved = new java.util.ArrayList<float[]>();
        Callback weightsAfterEachEpoch = new Callback() {
            @Override
            public void onEpochEnd(Trainer t, int epoch, Map<String, Double> logs) {
                saved.add(TrainFixtures.flatState(model));
            }
        };
        trainer.fit(train(), 5, null, score, weightsAfterEachEpoch, best);

        assertEquals(List.of("best-01-3.0.safetensors", "best-02-2.0.safetensors", "best-04-1.0.safetensors"), files(dir));
        assertEquals(3, best.lastSavedEpoch());
        // The file of epoch 4 holds the weights after epoch 4.
        var loaded = model();
        Trainer reader = new Trainer(loaded, new CrossEntropyLoss(), new Adam(loaded.parameters(), 0.01));
        reader.resume(dir.resolve("best-04-1.0.safetensors"));
        assertArrayEquals(saved.get(3), TrainFixtures.flatState(loaded));
    }

    @Test
    void saveBestOnlyInMaxModeKeepsRisingEpochs(@TempDir Path dir) throws IOException {
        var score = new TrainFixtures.ScriptedMetric("score", 0.5, 0.7, 0.7, 0.6, 0.8);
        Sequential model = model();
        Trainer trainer = new Trainer(model, new CrossEntropyLoss(), new Adam(model.parameters(), 0.01), score);
        trainer.fit(train(), 5, null, score,
                ModelCheckpoint.builder(dir + "/e{epoch}.safetensors")
                        .monitor("score").mode(Mode.MAX).saveBestOnly(true).build());
        assertEquals(List.of("e1.safetensors", "e2.safetensors", "e5.safetensors"), files(dir));
    }

    @Test
    void saveBestOnlyAfterAResumeDoesNotOverwriteTheBestWithAWorseEpoch(@TempDir Path dir) throws IOException {
        double[] values = {1.0, 2.0, 1.5, 0.5};
        var score = new TrainFixtures.ScriptedMetric("score", values);
        Sequential first = model();
        Trainer trainer = new Trainer(first, new CrossEntropyLoss(), new Adam(first.parameters(), 0.01), score);
        trainer.fit(train(), 2, null, score,
                ModelCheckpoint.builder(dir + "/best-{epoch}.safetensors")
                        .monitor("score").mode(Mode.MIN).saveBestOnly(true).build());
        Path resumeFrom = dir.resolve("last.ckpt");
        trainer.saveCheckpoint(resumeFrom);

        var again = new TrainFixtures.ScriptedMetric("score", values);
        Sequential second = model();
        Trainer resumed = new Trainer(second, new CrossEntropyLoss(), new Adam(second.parameters(), 0.01), again);
        resumed.resume(resumeFrom);
        resumed.fit(train(), 4, null, again,
                ModelCheckpoint.builder(dir + "/best-{epoch}.safetensors")
                        .monitor("score").mode(Mode.MIN).saveBestOnly(true).build());
        // epoch 3 (1.5) is worse than epoch 1 (1.0), recorded in the resumed history
        assertEquals(List.of("best-1.safetensors", "best-4.safetensors", "last.ckpt"), files(dir));
    }

    @Test
    void weightsOnlyWritesAPlainStateDict(@TempDir Path dir) throws IOException {
        Sequential model = model();
        Trainer trainer = new Trainer(model, new CrossEntropyLoss(), new Adam(model.parameters(), 0.01));
        trainer.fit(train(), 1, null, ModelCheckpoint.builder(dir + "/w.safetensors").saveWeightsOnly(true).build());
        SafeTensors read = SafeTensors.read(dir.resolve("w.safetensors"));
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), List.copyOf(read.tensors().keySet()));
        var loaded = model();
        loaded.load(dir.resolve("w.safetensors"));
        assertArrayEquals(TrainFixtures.flatState(model), TrainFixtures.flatState(loaded));
    }

    @Test
    void aPatternNamingAnUnloggedMetricFailsClearly(@TempDir Path dir) {
        Sequential model = model();
        Trainer trainer = new Trainer(model, new CrossEntropyLoss(), new Adam(model.parameters(), 0.01));
        var checkpoint = ModelCheckpoint.builder(dir + "/m-{epoch:02d}-{val_acc:.3f}.safetensors").build();
        var e = assertThrows(IllegalArgumentException.class, () -> trainer.fit(train(), 2, validation(), checkpoint));
        assertTrue(e.getMessage().contains("'val_acc'") && e.getMessage().contains("not logged")
                && e.getMessage().contains("val_loss"), e.getMessage());
    }

    @Test
    void aBadFieldFormatFailsNamingTheField() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> ModelCheckpoint.expand("m-{val_loss:02d}.ckpt", 0, Map.of("val_loss", 0.5)));
        assertTrue(e.getMessage().contains("{val_loss:02d}"), e.getMessage());
    }

    @Test
    void expandFormatsLikeKeras() {
        Map<String, Double> logs = Map.of("val_loss", 0.123456, "accuracy", 0.5);
        assertEquals("ckpt/mlp-07-0.1235.safetensors",
                ModelCheckpoint.expand("ckpt/mlp-{epoch:02d}-{val_loss:.4f}.safetensors", 6, logs));
        assertEquals("e7-a0.500000", ModelCheckpoint.expand("e{epoch}-a{accuracy}", 6, logs));
        assertEquals("plain.safetensors", ModelCheckpoint.expand("plain.safetensors", 6, logs));
    }
}
