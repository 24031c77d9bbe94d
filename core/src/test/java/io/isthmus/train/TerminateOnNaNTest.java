package io.isthmus.train;

import io.isthmus.data.Batch;
import io.isthmus.data.DataLoader;
import io.isthmus.data.TensorDataset;
import io.isthmus.loss.CrossEntropyLoss;
import io.isthmus.loss.MSELoss;
import io.isthmus.nn.Linear;
import io.isthmus.nn.Sequential;
import io.isthmus.optim.SGD;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TerminateOnNaN stops at the batch whose loss is not finite, and says where. */
class TerminateOnNaNTest {

    /** Counts the training batches that ran. */
    private static final class BatchCounter implements Callback {
        int batches;

        @Override
        public void onBatchEnd(Trainer trainer, int epoch, int batch, Map<String, Double> running) {
            batches++;
        }
    }

    /** 12 samples in batches of 4; samples 4-7 (the second batch) have a NaN feature when asked. */
    private static DataLoader data(boolean nanInSecondBatch) {
        TensorDataset blobs = TrainFixtures.blobs(12, 2, 2, 1.0, 1);
        float[] x = blobs.tensor(Batch.INPUTS).data().clone();
        if (nanInSecondBatch) {
            x[4 * 2] = Float.NaN;
        }
        return TrainFixtures.loader(TensorDataset.of(Tensor.of(x, 12, 2), blobs.indices(Batch.TARGETS)), 4, false, 0);
    }

    private static Trainer trainer(TrainFixtures.Captured log) {
        var model = new Sequential(new Linear(2, 2, true, new SplittableRandom(1)));
        return new Trainer(model, new CrossEntropyLoss(), new SGD(model.parameters(), 0.1)).logTo(log.stream);
    }

    @Test
    void stopsAtTheBatchWithANaNLoss() {
        var log = new TrainFixtures.Captured();
        var counter = new BatchCounter();
        var terminate = new TerminateOnNaN();
        History history = trainer(log).fit(data(true), 3, null, terminate, counter);
        assertTrue(terminate.terminated());
        assertEquals(2, counter.batches, "stopped right after batch 2 of epoch 1");
        assertEquals(1, history.size());
        assertTrue(Double.isNaN(history.last().get("loss")));
        assertTrue(log.text().contains("epoch 1, batch 2: loss is NaN, terminating training"), log.text());
    }

    @Test
    void stopsWhenAHugeLearningRateBlowsTheLossUp() {
        SplittableRandom random = new SplittableRandom(2);
        float[] x = new float[64 * 3];
        float[] y = new float[64];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        for (int i = 0; i < 64; i++) {
            y[i] = x[3 * i] - 2 * x[3 * i + 1];
        }
        var model = new Sequential(new Linear(3, 1, true, new SplittableRandom(1)));
        var log = new TrainFixtures.Captured();
        var trainer = new Trainer(model, new MSELoss(), new SGD(model.parameters(), 1e6)).logTo(log.stream);
        var terminate = new TerminateOnNaN();
        var data = TrainFixtures.loader(TensorDataset.of(Tensor.of(x, 64, 3), Tensor.of(y, 64, 1)), 4, false, 0);
        History history = trainer.fit(data, 20, null, terminate);
        assertTrue(terminate.terminated(), "loss " + history.get("loss"));
        assertTrue(history.size() < 20);
        assertFalse(Double.isFinite(history.last().get("loss")));
        assertTrue(log.text().contains("terminating training"), log.text());
    }

    @Test
    void aFiniteRunIsNotStopped() {
        var terminate = new TerminateOnNaN();
        History history = trainer(new TrainFixtures.Captured()).fit(data(false), 3, null, terminate);
        assertFalse(terminate.terminated());
        assertEquals(3, history.size());
    }

    @Test
    void oneInstanceWatchesEveryFitItIsGiven() {
        var terminate = new TerminateOnNaN();
        var log = new TrainFixtures.Captured();
        trainer(log).fit(data(true), 3, null, terminate);
        var counter = new BatchCounter();
        History second = trainer(log).fit(data(true), 3, null, terminate, counter);
        assertEquals(2, counter.batches, "the second fit must stop at its NaN too");
        assertEquals(1, second.size());
    }
}
