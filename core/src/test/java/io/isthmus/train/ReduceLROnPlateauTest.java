package io.isthmus.train;

import io.isthmus.loss.CrossEntropyLoss;
import io.isthmus.nn.Linear;
import io.isthmus.nn.Sequential;
import io.isthmus.optim.ParamGroup;
import io.isthmus.optim.SGD;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ReduceLROnPlateau on scripted metric sequences. History's "lr" is the rate each epoch trained
 * with, so a reduction after epoch k shows in epoch k + 1.
 */
class ReduceLROnPlateauTest {

    private record Result(List<Double> lrPerEpoch, double finalLr, String log) {
    }

    private static Result run(ReduceLROnPlateau plateau, double... score) {
        var model = new Sequential(new Linear(2, 2, true, new SplittableRandom(1)));
        var metric = new TrainFixtures.ScriptedMetric("score", score);
        var log = new TrainFixtures.Captured();
        var trainer = new Trainer(model, new CrossEntropyLoss(), new SGD(model.parameters(), 0.1), metric).logTo(log.stream);
        History history = trainer.fit(TrainFixtures.loader(TrainFixtures.blobs(8, 2, 2, 1.0, 1), 8, false, 0),
                score.length, null, metric, plateau);
        return new Result(history.get("lr"), trainer.optimizer().lr(), log.text());
    }

    /** Halves the rate on the scripted "score" (lower is better), any improvement counts. */
    private static ReduceLROnPlateau.Builder onScore() {
        return ReduceLROnPlateau.builder().monitor("score").mode(Mode.MIN).factor(0.5).minDelta(0);
    }

    @Test
    void reducesAfterPatienceEpochsWithoutImprovement() {
        Result r = run(onScore().patience(2).build(), 1, 1, 1, 1, 1, 1);
        assertEquals(List.of(0.1, 0.1, 0.1, 0.05, 0.05, 0.025), r.lrPerEpoch());
        assertEquals(0.025, r.finalLr());
        assertTrue(r.log().contains("epoch 3: reducing learning rate from 0.1 to 0.05"), r.log());
        assertTrue(r.log().contains("epoch 5: reducing learning rate from 0.05 to 0.025"), r.log());
    }

    @Test
    void anImprovementRestartsPatience() {
        Result r = run(onScore().patience(2).build(), 1, 1, 0.5, 0.5, 0.5);
        assertEquals(List.of(0.1, 0.1, 0.1, 0.1, 0.1), r.lrPerEpoch());
        assertEquals(0.05, r.finalLr(), "reduced after epoch 5, the second without improving on 0.5");
    }

    @Test
    void cooldownEpochsDoNotCountTowardsPatience() {
        Result withCooldown = run(onScore().patience(1).cooldown(2).build(), 1, 1, 1, 1, 1, 1, 1);
        assertEquals(List.of(0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025), withCooldown.lrPerEpoch());
        Result cooldownOne = run(onScore().patience(1).cooldown(1).build(), 1, 1, 1, 1, 1);
        assertEquals(List.of(0.1, 0.1, 0.05, 0.05, 0.025), cooldownOne.lrPerEpoch());
        Result none = run(onScore().patience(1).build(), 1, 1, 1, 1);
        assertEquals(List.of(0.1, 0.1, 0.05, 0.025), none.lrPerEpoch());
    }

    @Test
    void neverGoesBelowMinLr() {
        Result r = run(onScore().patience(1).minLr(0.03).build(), 1, 1, 1, 1, 1);
        assertEquals(List.of(0.1, 0.1, 0.05, 0.03, 0.03), r.lrPerEpoch());
        assertEquals(0.03, r.finalLr());
        assertEquals(2, r.log().lines().filter(line -> line.contains("reducing")).count(), "no message once at minLr");
    }

    @Test
    void minDeltaAndMaxMode() {
        Result small = run(onScore().patience(1).minDelta(0.1).build(), 1, 0.95, 0.92);
        assertEquals(List.of(0.1, 0.1, 0.05), small.lrPerEpoch(), "0.95 is not better than 1 by more than 0.1");
        Result max = run(onScore().mode(Mode.MAX).patience(1).build(), 0.5, 0.6, 0.6, 0.7);
        assertEquals(List.of(0.1, 0.1, 0.1, 0.05), max.lrPerEpoch());
        assertEquals(0.05, max.finalLr());
    }

    @Test
    void reducesEveryGroupsRateDownToMinLr() {
        var model = new Sequential(new Linear(2, 2, true, new SplittableRandom(1)));
        List<ParamGroup> split = ParamGroup.decayAndNoDecay(model.namedParameters());
        var sgd = new SGD(List.of(split.get(0), split.get(1).lr(0.04)), 0.1);
        var metric = new TrainFixtures.ScriptedMetric("score", 1, 1, 1, 1);
        var log = new TrainFixtures.Captured();
        var trainer = new Trainer(model, new CrossEntropyLoss(), sgd, metric).logTo(log.stream);
        History history = trainer.fit(TrainFixtures.loader(TrainFixtures.blobs(8, 2, 2, 1.0, 1), 8, false, 0), 4, null,
                metric, onScore().patience(1).minLr(0.015).build());
        assertEquals(List.of(0.1, 0.1, 0.05, 0.025), history.get("lr"), "the history logs group 0's rate");
        assertEquals(0.015, sgd.lr(0), "0.025 * 0.5 is below minLr");
        assertEquals(0.015, sgd.lr(1), "0.04 -> 0.02 -> 0.015 (min) and stays");
        assertTrue(log.text().contains("epoch 2: reducing learning rate of group 1 from 0.04 to 0.02"), log.text());
        assertTrue(log.text().contains("epoch 3: reducing learning rate of group 1 from 0.02 to 0.015"), log.text());
    }

    @Test
    void anUnloggedMetricNamesItself() {
        var e = assertThrows(IllegalArgumentException.class, () -> run(ReduceLROnPlateau.onValidationLoss(), 1, 1));
        assertTrue(e.getMessage().contains("'val_loss'"), e.getMessage());
    }
}
