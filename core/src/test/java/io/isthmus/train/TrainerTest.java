package io.isthmus.train;

import io.isthmus.data.Batch;
import io.isthmus.data.DataLoader;
import io.isthmus.data.TensorDataset;
import io.isthmus.loss.CrossEntropyLoss;
import io.isthmus.nn.Dropout;
import io.isthmus.nn.Linear;
import io.isthmus.nn.ReLU;
import io.isthmus.nn.Sequential;
import io.isthmus.optim.LrScheduler;
import io.isthmus.optim.SGD;
import io.isthmus.optim.StepLR;
import io.isthmus.tensor.GradMode;
import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** fit, evaluate and predict against computations done by hand. */
class TrainerTest {

    private static final TensorDataset DATA = TrainFixtures.blobs(23, 4, 3, 1.5, 8);

    /** Has dropout, so anything not run in eval mode would show. */
    private static Sequential model() {
        return new Sequential(new Linear(4, 16, true, new SplittableRandom(1)), new ReLU(), new Dropout(0.5f, 3),
                new Linear(16, 3, true, new SplittableRandom(2)));
    }

    private static Trainer trainer(Sequential model) {
        return new Trainer(model, new CrossEntropyLoss(), new SGD(model.parameters(), 0.1), new Accuracy());
    }

    private static Tensor allFeatures() {
        return Tensor.of(DATA.tensor(Batch.INPUTS).data().clone(), 23, 4);
    }

    /** The model on all samples at once in eval mode, without a graph. */
    private static Tensor forwardAll(Sequential model) {
        model.eval();
        try (var scope = GradMode.noGrad()) {
            return model.forward(allFeatures());
        } finally {
            model.train();
        }
    }

    @Test
    void predictReturnsEveryRowInOrderWhenTheLastBatchIsPartial() {
        Sequential model = model();
        Tensor predicted = trainer(model).predict(TrainFixtures.loader(DATA, 5, false, 0));
        assertArrayEquals(new int[]{23, 3}, predicted.shape());
        assertArrayEquals(forwardAll(model).data(), predicted.data(), 1e-5f);
        assertTrue(model.isTraining(), "predict restores training mode");
    }

    @Test
    void predictWithAShufflingLoaderStillReturnsDatasetOrder() {
        Sequential model = model();
        DataLoader shuffled = TrainFixtures.loader(DATA, 5, true, 12);
        assertFalse(Arrays.equals(shuffled.order(0), identity(23)), "the loader does shuffle");
        Tensor predicted = trainer(model).predict(shuffled);
        assertArrayEquals(forwardAll(model).data(), predicted.data(), 1e-5f);
    }

    @Test
    void predictRefusesALoaderThatDropsSamples() {
        DataLoader dropping = DataLoader.builder(DATA).batchSize(5).dropLast(true).build();
        var e = assertThrows(IllegalArgumentException.class, () -> trainer(model()).predict(dropping));
        assertTrue(e.getMessage().contains("3 samples") && e.getMessage().contains("dropLast"), e.getMessage());
    }

    private static int[] identity(int n) {
        int[] order = new int[n];
        Arrays.setAll(order, i -> i);
        return order;
    }

    @Test
    void evaluateEqualsTheLossAndAccuracyComputedOnAllSamplesAtOnce() {
        Sequential model = model();
        Trainer trainer = trainer(model);
        trainer.fit(TrainFixtures.loader(DATA, 4, true, 1), 2, null);

        Tensor logits = forwardAll(model);
        double loss = new CrossEntropyLoss().forward(logits, DATA.indices(Batch.TARGETS)).item();
        int correct = 0;
        for (int i = 0; i < 23; i++) {
            int best = 0;
            for (int c = 1; c < 3; c++) {
                if (logits.get(i, c) > logits.get(i, best)) {
                    best = c;
                }
            }
            correct += best == DATA.indices(Batch.TARGETS).get(i) ? 1 : 0;
        }
        Map<String, Double> scores = trainer.evaluate(TrainFixtures.loader(DATA, 7, false, 0));
        assertEquals(List.of("loss", "accuracy"), List.copyOf(scores.keySet()));
        assertEquals(loss, scores.get("loss"), 1e-6);
        assertEquals(correct / 23.0, scores.get("accuracy"));
    }

    @Test
    void evaluateRecordsNoGradientsAndChangesNoWeights() {
        Sequential model = model();
        float[] before = TrainFixtures.flatState(model);
        trainer(model).evaluate(TrainFixtures.loader(DATA, 8, false, 0));
        assertArrayEquals(before, TrainFixtures.flatState(model));
        for (Tensor p : model.parameters()) {
            assertNull(p.grad());
        }
        model.eval();
        trainer(model).evaluate(TrainFixtures.loader(DATA, 8, false, 0));
        assertFalse(model.isTraining(), "evaluate leaves a model in eval mode as it found it");
    }

    @Test
    void epochLossIsTheSampleWeightedMeanOfBatchLosses() {
        Sequential model = new Sequential(new Linear(4, 3, true, new SplittableRandom(4)));
        var trainer = new Trainer(model, new CrossEntropyLoss(), new SGD(model.parameters(), 0.0));
        List<Double> running = new ArrayList<>();
        Callback recorder = new Callback() {
            @Override
            public void onBatchEnd(Trainer t, int epoch, int batch, Map<String, Double> logs) {
                running.add(logs.get("loss"));
            }
        };
        // lr 0: every batch sees the same weights, so the epoch mean equals the loss over all samples.
        History history = trainer.fit(TrainFixtures.loader(DATA, 10, false, 0), 1, null, recorder);
        assertEquals(3, running.size(), "batches of 10, 10 and 3");
        assertEquals(running.get(2), history.last().get("loss"));
        double all = new CrossEntropyLoss().forward(model.forward(allFeatures()), DATA.indices(Batch.TARGETS)).item();
        assertEquals(all, history.last().get("loss"), 1e-6);
        assertTrue(history.last().containsKey("lr") && history.last().containsKey("seconds"));
    }

    @Test
    void validationAddsPrefixedMetrics() {
        Trainer trainer = trainer(model());
        History history = trainer.fit(TrainFixtures.loader(DATA, 8, false, 0), 2, TrainFixtures.loader(DATA, 8, false, 0));
        assertEquals(List.of("loss", "accuracy", "lr", "seconds", "val_loss", "val_accuracy", "val_seconds"),
                List.copyOf(history.metrics()));
        assertEquals(List.of(0, 1), history.epochs());
        assertTrue(Double.isNaN(history.get("unknown").get(0)));
    }

    @Test
    void clipGradNormBoundsEachStep() {
        Sequential model = new Sequential(new Linear(4, 3, true, new SplittableRandom(4)));
        var trainer = new Trainer(model, new CrossEntropyLoss(), new SGD(model.parameters(), 1.0)).clipGradNorm(1e-3);
        float[] before = TrainFixtures.flatState(model);
        trainer.fit(TrainFixtures.loader(DATA, 23, false, 0), 1, null);
        float[] after = TrainFixtures.flatState(model);
        double moved = 0;
        for (int i = 0; i < before.length; i++) {
            moved += (after[i] - before[i]) * (double) (after[i] - before[i]);
        }
        // One step of SGD with lr 1 moves the parameters by the clipped gradient: norm 1e-3.
        assertEquals(1e-3, Math.sqrt(moved), 1e-5);
        assertThrows(IllegalArgumentException.class, () -> trainer.clipGradNorm(-1));
    }

    @Test
    void batchSchedulerStepsAfterEveryBatch() {
        Sequential model = model();
        SGD sgd = new SGD(model.parameters(), 0.8);
        var trainer = new Trainer(model, new CrossEntropyLoss(), sgd)
                .scheduler(new LrScheduler(sgd, new StepLR(1, 0.5), LrScheduler.Interval.BATCH));
        History history = trainer.fit(TrainFixtures.loader(DATA, 8, false, 0), 2, null);
        assertEquals(List.of((double) 0.8f, (double) 0.8f * 0.125), history.get("lr"), "3 batches per epoch");
        assertEquals((double) 0.8f / 64, sgd.lr());
    }

    @Test
    void aCallbackCanStopTrainingMidEpoch() {
        Trainer trainer = trainer(model());
        List<String> batches = new ArrayList<>();
        History history = trainer.fit(TrainFixtures.loader(DATA, 4, false, 0), 5, null, new Callback() {
            @Override
            public void onBatchEnd(Trainer t, int epoch, int batch, Map<String, Double> logs) {
                batches.add(epoch + ":" + batch);
                if (epoch == 1 && batch == 2) {
                    t.stopTraining();
                }
            }
        });
        assertEquals(List.of(0, 1), history.epochs(), "the stopped epoch is still recorded");
        assertEquals("1:2", batches.get(batches.size() - 1));
        assertEquals(6 + 3, batches.size());
        assertEquals(2, trainer.nextEpoch());
    }

    @Test
    void accuracyHandlesClassIndicesAndBinaryLogits() {
        Accuracy accuracy = new Accuracy();
        accuracy.update(Tensor.of(new float[]{0.1f, 0.9f, 0.0f, 0.8f, 0.1f, 0.1f, 0.2f, 0.3f, 0.5f}, 3, 3),
                IndexTensor.vector(1, 0, 0));
        assertEquals(2 / 3.0, accuracy.result());
        accuracy.reset();
        assertTrue(Double.isNaN(accuracy.result()));
        accuracy.update(Tensor.of(new float[]{2f, -1f, 0.5f, -3f}, 4, 1), Tensor.of(new float[]{1, 0, 0, 0}, 4, 1));
        assertEquals(0.75, accuracy.result());
        var e = assertThrows(IllegalArgumentException.class,
                () -> new Accuracy().update(Tensor.zeros(4, 3), IndexTensor.zeros(5)));
        assertTrue(e.getMessage().contains("[4, 3]") && e.getMessage().contains("[5]"), e.getMessage());
    }
}
