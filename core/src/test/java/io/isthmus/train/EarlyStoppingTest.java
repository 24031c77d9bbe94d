package io.isthmus.train;

import io.isthmus.loss.CrossEntropyLoss;
import io.isthmus.nn.Linear;
import io.isthmus.nn.Sequential;
import io.isthmus.optim.SGD;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * EarlyStopping on scripted metric sequences, with Keras's semantics: training stops after
 * {@code patience} epochs without an improvement of more than {@code minDelta}.
 */
class EarlyStoppingTest {

    /** A model that really trains (its weights change every epoch), a scripted "score", snapshots per epoch. */
    private static final class Run {
        final Sequential model = new Sequential(new Linear(2, 2, true, new SplittableRandom(3)));
        final SGD sgd = new SGD(model.parameters(), 0.2);
        final TrainFixtures.Captured log = new TrainFixtures.Captured();
        final TrainFixtures.ScriptedMetric metric = new TrainFixtures.ScriptedMetric("score");
        final Trainer trainer = new Trainer(model, new CrossEntropyLoss(), sgd, metric).logTo(log.stream);
        final List<Map<String, float[]>> weightsAfterEpoch = new ArrayList<>();

        /** Continues the same trainer (and history) on each call; {@code stopping} may be null. */
        History fit(int epochs, EarlyStopping stopping, double... score) {
            metric.script(score);
            Callback snapshots = new Callback() {
                @Override
                public void onEpochEnd(Trainer t, int epoch, Map<String, Double> logs) {
                    weightsAfterEpoch.add(TrainFixtures.snapshot(model));
                }
            };
            return trainer.fit(TrainFixtures.loader(TrainFixtures.blobs(16, 2, 2, 1.5, 1), 8, true, 1),
                    epochs, null, stopping == null ? new Callback[]{metric, snapshots}
                            : new Callback[]{metric, snapshots, stopping});
        }
    }

    /** On the scripted "score", lower is better. */
    private static EarlyStopping.Builder onScore() {
        return EarlyStopping.builder().monitor("score").mode(Mode.MIN);
    }

    @Test
    void minModeStopsAfterPatienceEpochsWithoutImprovement() {
        Run run = new Run();
        var stopping = onScore().patience(2).build();
        // best at epoch 2 (1-based); epochs 3 and 4 do not improve -> stop after epoch 4
        History history = run.fit(10, stopping, 1.0, 0.8, 0.85, 0.9, 0.7, 0.6);
        assertEquals(4, history.size());
        assertEquals(1, stopping.bestEpoch());
        assertEquals(0.8, stopping.bestValue());
        assertEquals(3, stopping.stoppedEpoch());
        assertTrue(run.log.text().contains("early stopping after epoch 4: score did not improve for 2 epochs; best epoch 2"),
                run.log.text());
    }

    @Test
    void maxModeTreatsAnEqualValueAsNoImprovement() {
        Run run = new Run();
        var stopping = EarlyStopping.builder().monitor("score").mode(Mode.MAX).patience(2).build();
        History history = run.fit(10, stopping, 0.5, 0.6, 0.6, 0.55, 0.9);
        assertEquals(4, history.size());
        assertEquals(1, stopping.bestEpoch());
        assertEquals(0.6, stopping.bestValue());
    }

    @Test
    void autoModeMaximizesAccuracyLikeNames() {
        Run run = new Run();
        var stopping = EarlyStopping.builder().monitor("score_acc").mode(Mode.AUTO).patience(1).build();
        var metric = new TrainFixtures.ScriptedMetric("score_acc", 0.5, 0.7, 0.6, 0.9);
        var trainer = new Trainer(run.model, new CrossEntropyLoss(), run.sgd, metric).logTo(run.log.stream);
        History history = trainer.fit(TrainFixtures.loader(TrainFixtures.blobs(16, 2, 2, 1.5, 1), 8, false, 0), 10, null,
                metric, stopping);
        assertEquals(3, history.size(), "0.6 after 0.7 is no improvement when higher is better");
        assertEquals(1, stopping.bestEpoch());
    }

    @Test
    void minDeltaIgnoresSmallImprovements() {
        double[] slowlyFalling = {1.0, 0.97, 0.96, 0.90, 0.89, 0.88};
        var withDelta = onScore().patience(2).minDelta(0.05).build();
        assertEquals(3, new Run().fit(6, withDelta, slowlyFalling).size(), "0.97 and 0.96 beat 1.0 by less than 0.05");
        assertEquals(0, withDelta.bestEpoch());

        var withoutDelta = onScore().patience(2).build();
        assertEquals(6, new Run().fit(6, withoutDelta, slowlyFalling).size());
        assertEquals(-1, withoutDelta.stoppedEpoch());
        assertEquals(5, withoutDelta.bestEpoch());
    }

    @Test
    void patienceZeroStopsAtTheFirstEpochWithoutImprovement() {
        var stopping = onScore().patience(0).build();
        assertEquals(3, new Run().fit(10, stopping, 3, 2, 2.5, 1).size());
        assertEquals(2, stopping.stoppedEpoch());
    }

    @Test
    void restoresTheWeightsOfTheBestEpochAndSaysWhich() {
        Run run = new Run();
        var stopping = onScore().patience(2).restoreBestWeights(true).build();
        run.fit(10, stopping, 1.0, 0.8, 0.85, 0.9, 0.7);
        assertEquals(4, run.weightsAfterEpoch.size());
        Map<String, float[]> best = run.weightsAfterEpoch.get(1);
        Map<String, float[]> last = run.weightsAfterEpoch.get(3);
        assertFalse(java.util.Arrays.equals(best.get("0.weight"), last.get("0.weight")), "the model did not train");
        Map<String, float[]> now = TrainFixtures.snapshot(run.model);
        for (String name : best.keySet()) {
            assertArrayEquals(best.get(name), now.get(name), name);
        }
        assertTrue(run.log.text().contains("restored the weights of epoch 2 (score = 0.8000)"), run.log.text());
    }

    @Test
    void withoutRestoreTheLastEpochsWeightsStay() {
        Run run = new Run();
        run.fit(10, onScore().patience(2).build(), 1.0, 0.8, 0.85, 0.9);
        Map<String, float[]> now = TrainFixtures.snapshot(run.model);
        assertArrayEquals(run.weightsAfterEpoch.get(3).get("0.weight"), now.get("0.weight"));
        assertFalse(run.log.text().contains("restored"), run.log.text());
    }

    @Test
    void noRestoreWhenTheLastEpochIsTheBest() {
        Run run = new Run();
        var stopping = onScore().patience(2).restoreBestWeights(true).build();
        run.fit(3, stopping, 1.0, 0.9, 0.8);
        assertEquals(2, stopping.bestEpoch());
        assertArrayEquals(run.weightsAfterEpoch.get(2).get("0.weight"), TrainFixtures.snapshot(run.model).get("0.weight"));
        assertFalse(run.log.text().contains("restored"), run.log.text());
    }

    @Test
    void aContinuedFitCountsTheEpochsAlreadyInTheHistory() {
        Run run = new Run();
        double[] score = {1.0, 0.5, 0.9, 0.9, 0.9};
        run.fit(3, null, score);
        var stopping = onScore().patience(2).restoreBestWeights(true).build();
        History history = run.fit(5, stopping, score);
        // epoch 3 already waited one epoch after the best (epoch 2); epoch 4 is the second
        assertEquals(List.of(0, 1, 2, 3), history.epochs());
        assertEquals(1, stopping.bestEpoch());
        assertTrue(run.log.text().contains("cannot restore the weights of epoch 2 (score = 0.5000): it ran before this fit"),
                run.log.text());
    }

    @Test
    void anUnloggedMetricNamesTheLoggedOnes() {
        var stopping = EarlyStopping.builder().monitor("val_loss").mode(Mode.MIN).patience(2).build();
        var e = assertThrows(IllegalArgumentException.class, () -> new Run().fit(3, stopping, 1.0));
        assertTrue(e.getMessage().contains("'val_loss'") && e.getMessage().contains("score"), e.getMessage());
    }

    @Test
    void kerasDefaultsStopAtTheFirstEpochWithoutImprovementAndKeepTheLastWeights() {
        Run run = new Run();
        var stopping = EarlyStopping.builder().monitor("score").build();   // auto: "score" is minimized
        History history = run.fit(10, stopping, 1.0, 0.8, 0.9, 0.5);
        assertEquals(3, history.size(), "patience 0: epoch 3 (0.9 after 0.8) ends the run");
        assertEquals(1, stopping.bestEpoch());
        assertEquals(0.8, stopping.bestValue());
        assertArrayEquals(run.weightsAfterEpoch.get(2).get("0.weight"), TrainFixtures.snapshot(run.model).get("0.weight"));
        assertFalse(run.log.text().contains("restored"), run.log.text());
    }
}
