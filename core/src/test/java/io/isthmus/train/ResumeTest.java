package io.isthmus.train;

import io.isthmus.data.DataLoader;
import io.isthmus.data.TensorDataset;
import io.isthmus.loss.CrossEntropyLoss;
import io.isthmus.nn.Dropout;
import io.isthmus.nn.Layer;
import io.isthmus.nn.Linear;
import io.isthmus.nn.ReLU;
import io.isthmus.tensor.Seeds;
import io.isthmus.nn.Sequential;
import io.isthmus.optim.Adam;
import io.isthmus.optim.AdamW;
import io.isthmus.optim.LrScheduler;
import io.isthmus.optim.ParamGroup;
import io.isthmus.optim.SGD;
import io.isthmus.optim.StepLR;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * "A checkpoint holds weights, optimizer state, epoch and history, so a resumed run continues
 * exactly": training 2 epochs, checkpointing, and resuming in a fresh model, optimizer and
 * trainer gives the weights and history of an uninterrupted run, bit for bit.
 */
class ResumeTest {

    private static final Set<String> TIMINGS = Set.of("seconds", "val_seconds");
    private static final TensorDataset TRAIN = TrainFixtures.blobs(240, 6, 3, 1.2, 1);
    private static final TensorDataset VALIDATION = TrainFixtures.blobs(60, 6, 3, 1.2, 2);

    /** The model, optimizer, scheduler and trainer of one run; the seed fixes init and dropout. */
    private static Trainer dropoutAdamStepLr(long seed) {
        Seeds.set(seed);
        var model = new Sequential(new Linear(6, 24), new ReLU(), new Dropout(0.25f), new Linear(24, 3));
        var adam = new Adam(model.parameters(), 0.02);
        return new Trainer(model, new CrossEntropyLoss(), adam, new Accuracy())
                .scheduler(new LrScheduler(adam, new StepLR(1, 0.7)));
    }

    private static DataLoader train() {
        return TrainFixtures.loader(TRAIN, 16, true, 3);
    }

    private static DataLoader validation() {
        return TrainFixtures.loader(VALIDATION, 32, false, 0);
    }

    @Test
    void resumeWithDropoutAndSchedulerEqualsTheUninterruptedRun(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("ckpt.safetensors");
        Trainer uninterrupted = dropoutAdamStepLr(21);
        Trainer resumed = TrainFixtures.singleThreaded(() -> {
            uninterrupted.fit(train(), 4, validation());
            Trainer first = dropoutAdamStepLr(21);
            first.fit(train(), 2, validation());
            save(first, file);
            // A different seed: weights, dropout stream and all must come from the checkpoint.
            Trainer second = dropoutAdamStepLr(999);
            resume(second, file);
            assertEquals(2, second.nextEpoch());
            assertSameHistory(first.history(), second.history());
            second.fit(train(), 4, validation());
            return second;
        });
        assertArrayEquals(TrainFixtures.flatState(uninterrupted.model()), TrainFixtures.flatState(resumed.model()));
        assertEquals(uninterrupted.optimizer().lr(), resumed.optimizer().lr());
        assertSameHistory(uninterrupted.history(), resumed.history());
        assertEquals(List.of(0, 1, 2, 3), resumed.history().epochs());
    }

    /**
     * ReduceLROnPlateau changes the rate before and after the checkpoint, and its own state (best
     * value, patience, cooldown) matters after it: a resumed run must reduce where the
     * uninterrupted run does.
     */
    @Test
    void resumeWithReduceLrOnPlateauEqualsTheUninterruptedRun(@TempDir Path dir) throws IOException {
        double[] score = {1.0, 1.0, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9};
        Path file = dir.resolve("plateau.safetensors");
        Run uninterrupted = TrainFixtures.singleThreaded(() -> {
            Run run = new Run(5, score);
            run.fit(8);
            return run;
        });
        // patience 1, cooldown 2: reductions after epochs 2, 5 and 8 (1-based): 0.04 -> 0.02 -> 0.01 -> 0.005
        assertEquals(List.of(0.04, 0.04, 0.02, 0.02, 0.02, 0.01, 0.01, 0.01), uninterrupted.trainer.history().get("lr"));
        assertEquals(0.005, uninterrupted.trainer.optimizer().lr());

        Run resumed = TrainFixtures.singleThreaded(() -> {
            Run first = new Run(5, score);
            first.fit(5);
            save(first.trainer, file);
            Run second = new Run(77, score);
            resume(second.trainer, file);
            second.fit(8);
            return second;
        });
        assertArrayEquals(TrainFixtures.flatState(uninterrupted.trainer.model()),
                TrainFixtures.flatState(resumed.trainer.model()));
        assertEquals(uninterrupted.trainer.optimizer().lr(), resumed.trainer.optimizer().lr());
        assertSameHistory(uninterrupted.trainer.history(), resumed.trainer.history());
    }

    /**
     * EarlyStopping has waited one epoch when the checkpoint is taken; the resumed run must stop
     * after the same epoch as the uninterrupted one (not treat its first epoch as a new best).
     */
    @Test
    void resumeWithEarlyStoppingStopsAtTheSameEpoch(@TempDir Path dir) throws IOException {
        double[] score = {1.0, 0.8, 0.9, 0.95, 0.7, 0.6};
        Path file = dir.resolve("stopping.safetensors");
        Run uninterrupted = TrainFixtures.singleThreaded(() -> {
            Run run = new Run(5, score);
            run.trainer.fit(train(), 6, null, run.score,
                    EarlyStopping.builder().monitor("score").mode(Mode.MIN).patience(2).build());
            return run;
        });
        assertEquals(4, uninterrupted.trainer.history().size(), "patience 2 after the best epoch 2");

        Run resumed = TrainFixtures.singleThreaded(() -> {
            Run first = new Run(5, score);
            first.trainer.fit(train(), 3, null, first.score,
                    EarlyStopping.builder().monitor("score").mode(Mode.MIN).patience(2).build());
            save(first.trainer, file);
            Run second = new Run(77, score);
            resume(second.trainer, file);
            second.trainer.fit(train(), 6, null, second.score,
                    EarlyStopping.builder().monitor("score").mode(Mode.MIN).patience(2).build());
            return second;
        });
        assertSameHistory(uninterrupted.trainer.history(), resumed.trainer.history());
        assertArrayEquals(TrainFixtures.flatState(uninterrupted.trainer.model()),
                TrainFixtures.flatState(resumed.trainer.model()));
    }

    /**
     * ModelCheckpoint given before ReduceLROnPlateau: the file of an epoch that lowered the rate
     * must hold the lowered rate, or a run resumed from it trains with the old one.
     */
    @Test
    void checkpointsOfModelCheckpointHoldWhatTheNextEpochStartsFrom(@TempDir Path dir) {
        double[] score = {1.0, 1.0, 0.9, 0.9, 0.9, 0.9};
        Run uninterrupted = TrainFixtures.singleThreaded(() -> {
            Run run = new Run(5, score);
            run.trainer.fit(train(), 6, null, run.score,
                    ModelCheckpoint.builder(dir + "/e{epoch}.ckpt").build(), run.plateau);
            return run;
        });
        assertEquals(0.02, uninterrupted.trainer.history().get("lr").get(2), "lowered after epoch 2");

        Run resumed = TrainFixtures.singleThreaded(() -> {
            Run run = new Run(77, score);
            resume(run.trainer, dir.resolve("e2.ckpt"));
            run.fit(6);
            return run;
        });
        assertSameHistory(uninterrupted.trainer.history(), resumed.trainer.history());
        assertArrayEquals(TrainFixtures.flatState(uninterrupted.trainer.model()),
                TrainFixtures.flatState(resumed.trainer.model()));
    }

    /** Two groups (AdamW, no decay on biases, another rate) under a scheduler: each group's rate and moments resume. */
    @Test
    void resumeWithParameterGroupsEqualsTheUninterruptedRun(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("groups.safetensors");
        Trainer uninterrupted = groupedAdamW(21);
        Trainer resumed = TrainFixtures.singleThreaded(() -> {
            uninterrupted.fit(train(), 4, validation());
            Trainer first = groupedAdamW(21);
            first.fit(train(), 2, validation());
            save(first, file);
            Trainer second = groupedAdamW(999);
            resume(second, file);
            second.fit(train(), 4, validation());
            return second;
        });
        assertArrayEquals(TrainFixtures.flatState(uninterrupted.model()), TrainFixtures.flatState(resumed.model()));
        assertEquals(0.02 * 0.7 * 0.7 * 0.7 * 0.7, uninterrupted.optimizer().lr(0), 1e-9);
        assertEquals(0.005 * 0.7 * 0.7 * 0.7 * 0.7, uninterrupted.optimizer().lr(1), 1e-9);
        assertEquals(uninterrupted.optimizer().lr(0), resumed.optimizer().lr(0));
        assertEquals(uninterrupted.optimizer().lr(1), resumed.optimizer().lr(1));
        assertEquals(uninterrupted.optimizer().stateDict().keySet(), resumed.optimizer().stateDict().keySet());
        assertSameHistory(uninterrupted.history(), resumed.history());
    }

    private static Trainer groupedAdamW(long seed) {
        Seeds.set(seed);
        var model = new Sequential(new Linear(6, 24), new ReLU(), new Linear(24, 3));
        List<ParamGroup> split = ParamGroup.decayAndNoDecay(model.namedParameters());
        var adamw = AdamW.builder(0.02).weightDecay(0.1).build(List.of(split.get(0), split.get(1).lr(0.005)));
        return new Trainer(model, new CrossEntropyLoss(), adamw, new Accuracy())
                .scheduler(new LrScheduler(adamw, new StepLR(1, 0.7)));
    }

    /** A run whose loss went NaN can still be checkpointed and resumed (JSON has no NaN). */
    @Test
    void historyWithNaNAndInfinitySurvivesACheckpoint(@TempDir Path dir) throws IOException {
        var score = new TrainFixtures.ScriptedMetric("score", Double.NaN, Double.POSITIVE_INFINITY, 1.5);
        Run run = new Run(5, new double[]{1});
        Trainer trainer = new Trainer((Layer) run.trainer.model(), new CrossEntropyLoss(), run.trainer.optimizer(), score);
        trainer.fit(train(), 3, null, score);
        Path file = dir.resolve("nan.ckpt");
        trainer.saveCheckpoint(file);
        Run other = new Run(6, new double[]{1});
        resume(other.trainer, file);
        assertEquals(java.util.Arrays.asList(Double.NaN, Double.POSITIVE_INFINITY, 1.5), other.trainer.history().get("score"));
    }

    /** SGD with momentum (optimizer state that matters) driven by ReduceLROnPlateau on a scripted score. */
    private static final class Run {
        final Trainer trainer;
        final TrainFixtures.ScriptedMetric score;
        final ReduceLROnPlateau plateau = ReduceLROnPlateau.builder().monitor("score").mode(Mode.MIN)
                .factor(0.5).patience(1).minDelta(0).cooldown(2).minLr(0.001).build();

        Run(long seed, double[] values) {
            Seeds.set(seed);
            var model = new Sequential(new Linear(6, 16), new ReLU(), new Linear(16, 3));
            var sgd = SGD.builder(0.04).momentum(0.9).build(model.parameters());
            score = new TrainFixtures.ScriptedMetric("score", values);
            trainer = new Trainer(model, new CrossEntropyLoss(), sgd, score)
                    .logTo(new TrainFixtures.Captured().stream);
        }

        void fit(int epochs) {
            trainer.fit(train(), epochs, null, score, plateau);
        }
    }

    private static void save(Trainer trainer, Path file) {
        try {
            trainer.saveCheckpoint(file);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void resume(Trainer trainer, Path file) {
        try {
            trainer.resume(file);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Same epochs and the same logged values, timings aside. */
    static void assertSameHistory(History expected, History actual) {
        assertEquals(expected.epochs(), actual.epochs());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(withoutTimings(expected.logs().get(i)), withoutTimings(actual.logs().get(i)), "epoch " + i);
        }
    }

    private static Map<String, Double> withoutTimings(Map<String, Double> logs) {
        Map<String, Double> kept = new TreeMap<>(logs);
        kept.keySet().removeAll(TIMINGS);
        return kept;
    }
}
