package io.isthmus.train;

import io.isthmus.data.Batch;
import io.isthmus.data.DataLoader;
import io.isthmus.data.TensorDataset;
import io.isthmus.loss.CrossEntropyLoss;
import io.isthmus.nn.Linear;
import io.isthmus.nn.Module;
import io.isthmus.optim.Adam;
import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** fit on a model whose forward takes several named batch fields and returns a record of tensors. */
class MultiInputTrainingTest {

    /** Two typed outputs: class scores and the hidden features they came from. */
    record PairOutput(Tensor logits, Tensor hidden) {
    }

    /** logits = head(tanh(fcLeft(left) + fcRight(right) * rightMask)): three inputs, two outputs. */
    static final class PairModel extends Module {
        final Linear fcLeft = registerModule("left", new Linear(4, 16, true, new SplittableRandom(1)));
        final Linear fcRight = registerModule("right", new Linear(3, 16, false, new SplittableRandom(2)));
        final Linear head = registerModule("head", new Linear(16, 3, true, new SplittableRandom(3)));

        /** left: [B, 4], right: [B, 3], rightMask: [B, 1] (1 keeps the right input, 0 drops it) -> logits [B, 3]. */
        PairOutput forward(Tensor left, Tensor right, Tensor rightMask) {
            Tensor hidden = fcLeft.forward(left).add(fcRight.forward(right).mul(rightMask)).tanh();
            return new PairOutput(recordOutput(head.forward(hidden)), hidden);
        }
    }

    /** The label is the larger of three scores of left and (when unmasked) right, so both inputs matter. */
    private static TensorDataset pairs(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] left = new float[n * 4];
        float[] right = new float[n * 3];
        float[] mask = new float[n];
        int[] label = new int[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 4; j++) {
                left[i * 4 + j] = (float) random.nextGaussian();
            }
            for (int j = 0; j < 3; j++) {
                right[i * 3 + j] = (float) random.nextGaussian();
            }
            mask[i] = random.nextBoolean() ? 1f : 0f;
            double[] score = {left[i * 4] - left[i * 4 + 1], left[i * 4 + 2] + mask[i] * 2 * right[i * 3],
                    left[i * 4 + 3] - mask[i] * 2 * right[i * 3 + 1]};
            label[i] = score[0] >= score[1] && score[0] >= score[2] ? 0 : score[1] >= score[2] ? 1 : 2;
        }
        return TensorDataset.builder()
                .floats("left", left, n, 4)
                .floats("right", right, n, 3)
                .floats("right_mask", mask, n, 1)
                .indices("label", label, n)
                .build();
    }

    private static Trainer trainer(PairModel model, Accuracy accuracy) {
        return Trainer.builder(model)
                .forward(b -> model.forward(b.tensor("left"), b.tensor("right"), b.tensor("right_mask")).logits())
                .loss(new CrossEntropyLoss(), "label")
                .optimizer(new Adam(model.parameters(), 0.02))
                .metrics(accuracy)
                .build();
    }

    @Test
    void fitTrainsAThreeInputModelFromNamedFields() {
        PairModel model = new PairModel();
        Trainer trainer = trainer(model, new Accuracy()).logTo(new PrintStream(new ByteArrayOutputStream()));
        DataLoader train = DataLoader.builder(pairs(512, 11)).batchSize(32).shuffle(true).seed(5).build();
        DataLoader test = DataLoader.builder(pairs(256, 12)).batchSize(64).build();
        double before = trainer.evaluate(test).get("loss");
        History history = trainer.fit(train, 12, test);
        Map<String, Double> last = history.logs().get(history.size() - 1);
        assertTrue(last.get("val_loss") < 0.5 * before, "val_loss " + last.get("val_loss") + " from " + before);
        assertTrue(last.get("val_accuracy") > 0.85, "val_accuracy " + last.get("val_accuracy"));

        // predict on one batch runs the same forward in eval mode and leaves the model training
        Batch batch = test.iterator().next();
        Tensor logits = trainer.predict(batch);
        assertArrayEquals(new int[]{64, 3}, logits.shape());
        assertTrue(model.isTraining());
        Tensor direct = model.forward(batch.tensor("left"), batch.tensor("right"), batch.tensor("right_mask")).logits();
        assertArrayEquals(direct.data(), logits.data());
    }

    @Test
    void summaryRecordsShapesOfATypedForward() {
        PairModel model = new PairModel();
        String summary = model.summary(() -> model.forward(Tensor.zeros(1, 4), Tensor.zeros(1, 3), Tensor.ones(1, 1)));
        assertTrue(summary.contains("left (Linear)") && summary.contains("[N, 16]"), summary);
        assertTrue(summary.contains("head (Linear)") && summary.contains("[N, 3]"), summary);
        assertTrue(summary.contains("Total params: " + (4 * 16 + 16 + 3 * 16 + 16 * 3 + 3) + "\n"), summary);
    }

    @Test
    void aModuleThatIsNotALayerMustSayHowItReadsABatch() {
        PairModel model = new PairModel();
        var e = assertThrows(IllegalStateException.class, () -> Trainer.builder(model)
                .loss(new CrossEntropyLoss()).optimizer(new Adam(model.parameters(), 0.01)).build());
        assertTrue(e.getMessage().contains("PairModel") && e.getMessage().contains("forward("), e.getMessage());
    }

    @Test
    void aMissingFieldNamesTheFieldsThereAre() {
        PairModel model = new PairModel();
        Trainer trainer = Trainer.builder(model)
                .forward(b -> model.forward(b.tensor("left"), b.tensor("right"), b.tensor("mask")).logits())
                .loss(new CrossEntropyLoss(), "label")
                .optimizer(new Adam(model.parameters(), 0.01))
                .build();
        DataLoader train = DataLoader.builder(pairs(8, 1)).batchSize(4).build();
        var e = assertThrows(IllegalArgumentException.class, () -> trainer.fit(train, 1, null));
        assertTrue(e.getMessage().contains("'mask'") && e.getMessage().contains("right_mask"), e.getMessage());
    }

    @Test
    void aLossThatIsNotOneNumberIsRejectedWithItsShape() {
        PairModel model = new PairModel();
        Trainer trainer = Trainer.builder(model)
                .forward(b -> model.forward(b.tensor("left"), b.tensor("right"), b.tensor("right_mask")).logits())
                .objective((output, batch) -> output.sub(output))
                .optimizer(new Adam(model.parameters(), 0.01))
                .build();
        DataLoader train = DataLoader.builder(pairs(8, 1)).batchSize(4).build();
        var e = assertThrows(IllegalStateException.class, () -> trainer.fit(train, 1, null));
        assertTrue(e.getMessage().contains("[4, 3]"), e.getMessage());
    }

    @Test
    void anObjectiveSeesTheWholeBatch() {
        // per-sample weights from a batch field: only samples with weight 1 count
        PairModel model = new PairModel();
        CrossEntropyLoss ce = new CrossEntropyLoss();
        Trainer trainer = Trainer.builder(model)
                .forward(b -> model.forward(b.tensor("left"), b.tensor("right"), b.tensor("right_mask")).logits())
                .objective((output, batch) -> ce.forward(output.mul(batch.tensor("right_mask")), batch.indices("label")))
                .metricTargets("label")
                .optimizer(new Adam(model.parameters(), 0.01))
                .metrics(new Accuracy())
                .build();
        DataLoader data = DataLoader.builder(pairs(16, 3)).batchSize(16).build();
        Batch batch = data.iterator().next();
        Tensor logits = trainer.predict(batch);
        Tensor expected = ce.forward(logits.mul(batch.tensor("right_mask")), batch.indices("label"));
        assertEquals(expected.item(), trainer.evaluate(data).get("loss"), 1e-6);
        IndexTensor labels = batch.indices("label");
        assertEquals(16, labels.numel());
    }
}
