package io.isthmus.train;

import io.isthmus.data.DataLoader;
import io.isthmus.loss.CrossEntropyLoss;
import io.isthmus.nn.Dropout;
import io.isthmus.nn.Linear;
import io.isthmus.nn.ReLU;
import io.isthmus.tensor.Seeds;
import io.isthmus.nn.Sequential;
import io.isthmus.optim.Adam;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** "Seeded: the same seed gives the same run, bit for bit, on one thread." */
class DeterminismTest {

    private record Run(float[] weights, List<Double> losses) {
    }

    /** Seeds, builds a model with dropout, trains 2 epochs on shuffled batches. */
    private static Run train(long seed) {
        return TrainFixtures.singleThreaded(() -> {
            Seeds.set(seed);
            var model = new Sequential(new Linear(6, 32), new ReLU(), new Dropout(0.3f), new Linear(32, 3));
            var trainer = new Trainer(model, new CrossEntropyLoss(), new Adam(model.parameters(), 0.01), new Accuracy());
            // The loader's shuffle has its own seed; it stays fixed so only Seeds.set varies.
            DataLoader data = TrainFixtures.loader(TrainFixtures.blobs(200, 6, 3, 1.0, 5), 16, true, 11);
            History history = trainer.fit(data, 2, null);
            return new Run(TrainFixtures.flatState(model), history.get("loss"));
        });
    }

    @Test
    void sameSeedGivesTheSameWeightsBitForBit() {
        Run first = train(42);
        Run second = train(42);
        // assertArrayEquals on float[] compares bit patterns (floatToIntBits), not within a tolerance.
        assertArrayEquals(first.weights(), second.weights());
        assertEquals(first.losses(), second.losses());
        assertEquals(2, first.losses().size());
    }

    @Test
    void differentSeedGivesDifferentWeights() {
        Run first = train(42);
        Run other = train(43);
        assertEquals(first.weights().length, other.weights().length);
        assertFalse(Arrays.equals(first.weights(), other.weights()), "seeds 42 and 43 trained to identical weights");
        assertFalse(first.losses().equals(other.losses()));
    }

    @Test
    void seedFixesInitializationAndDropoutMasks() {
        // Same init, then dropout alone must make runs differ when only the dropout seed changes.
        Run a = TrainFixtures.singleThreaded(() -> trainWithDropoutSeed(1));
        Run b = TrainFixtures.singleThreaded(() -> trainWithDropoutSeed(1));
        Run c = TrainFixtures.singleThreaded(() -> trainWithDropoutSeed(2));
        assertArrayEquals(a.weights(), b.weights());
        assertFalse(Arrays.equals(a.weights(), c.weights()), "the dropout seed had no effect on training");
    }

    private static Run trainWithDropoutSeed(long dropoutSeed) {
        Seeds.set(7);
        var model = new Sequential(new Linear(6, 32), new ReLU(), new Dropout(0.3f, dropoutSeed), new Linear(32, 3));
        var trainer = new Trainer(model, new CrossEntropyLoss(), new Adam(model.parameters(), 0.01));
        DataLoader data = TrainFixtures.loader(TrainFixtures.blobs(64, 6, 3, 1.0, 5), 16, false, 0);
        History history = trainer.fit(data, 1, null);
        return new Run(TrainFixtures.flatState(model), history.get("loss"));
    }
}
