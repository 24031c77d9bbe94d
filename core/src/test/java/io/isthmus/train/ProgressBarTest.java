package io.isthmus.train;

import io.isthmus.loss.CrossEntropyLoss;
import io.isthmus.nn.Linear;
import io.isthmus.nn.Sequential;
import io.isthmus.optim.SGD;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ProgressBar: Keras-like plain lines when not on a terminal; a live bar when interactive. */
class ProgressBarTest {

    private static Trainer trainer() {
        var model = new Sequential(new Linear(2, 2, true, new SplittableRandom(1)));
        return new Trainer(model, new CrossEntropyLoss(), new SGD(model.parameters(), 0.01), new Accuracy());
    }

    private static io.isthmus.data.DataLoader data() {
        return TrainFixtures.loader(TrainFixtures.blobs(40, 2, 2, 1.0, 1), 8, false, 0);
    }

    private static ProgressBar to(TrainFixtures.Captured out, boolean interactive) {
        return ProgressBar.builder().output(out.stream).interactive(interactive).build();
    }

    @Test
    void nonInteractivePrintsOnePlainLinePerEpoch() {
        var out = new TrainFixtures.Captured();
        History history = trainer().fit(data(), 3, null, to(out, false));

        List<String> lines = out.text().lines().toList();
        assertEquals(3, lines.size(), out.text());
        assertFalse(out.text().contains("\r"), "no carriage returns in a log file");
        Pattern keras = Pattern.compile("Epoch (\\d)/3 - loss: (\\d+\\.\\d{4}) - accuracy: (\\d\\.\\d{4}) - lr: 0\\.0100 - \\d+\\.\\d{2}s");
        for (int e = 0; e < 3; e++) {
            var m = keras.matcher(lines.get(e));
            assertTrue(m.matches(), lines.get(e));
            assertEquals(Integer.toString(e + 1), m.group(1));
            assertEquals(String.format(Locale.ROOT, "%.4f", history.get("loss").get(e)), m.group(2));
            assertEquals(String.format(Locale.ROOT, "%.4f", history.get("accuracy").get(e)), m.group(3));
        }
    }

    @Test
    void validationMetricsFollowAndTimingsAreNotPrintedAsMetrics() {
        var out = new TrainFixtures.Captured();
        trainer().fit(data(), 1, data(), to(out, false));
        String line = out.text().strip();
        assertTrue(line.matches("Epoch 1/1 - loss: \\S+ - accuracy: \\S+ - lr: \\S+ - val_loss: \\d\\.\\d{4}"
                + " - val_accuracy: \\d\\.\\d{4} - \\d+\\.\\d{2}s"), line);
    }

    @Test
    void epochNumbersContinueAfterAResume() {
        Trainer trainer = trainer();
        trainer.fit(data(), 2, null);
        var out = new TrainFixtures.Captured();
        trainer.fit(data(), 4, null, to(out, false));
        List<String> lines = out.text().lines().toList();
        assertEquals(2, lines.size());
        assertTrue(lines.get(0).startsWith("Epoch 3/4 - ") && lines.get(1).startsWith("Epoch 4/4 - "), out.text());
    }

    @Test
    void interactiveDrawsABarWithEtaAndRunningMetricsThenThePlainLine() {
        var out = new TrainFixtures.Captured();
        History history = trainer().fit(data(), 2, null, to(out, true));
        String text = out.text();
        assertTrue(text.contains("\r"), "the bar redraws in place: " + text);
        assertTrue(text.contains("Epoch 1/2") && text.contains("Epoch 2/2"), text);
        assertTrue(text.contains("5/5"), "batches done of the epoch: " + text);
        assertTrue(Pattern.compile("\\(\\d+:\\d{2}:\\d{2} / \\d+:\\d{2}:\\d{2}\\)").matcher(text).find(),
                "elapsed / ETA: " + text);
        assertTrue(text.contains("loss: "), "running metrics on the bar: " + text);
        String last = String.format(Locale.ROOT, "Epoch 2/2 - loss: %.4f", history.get("loss").get(1));
        assertTrue(text.contains(last), "the epoch's final line: " + text);
    }

    @Test
    void formatIsKerasLike() {
        Map<String, Double> logs = new java.util.LinkedHashMap<>();
        logs.put("loss", 0.41234);
        logs.put("accuracy", 0.85111);
        logs.put("lr", 0.001);
        logs.put("seconds", 0.6234);
        assertEquals("loss: 0.4123 - accuracy: 0.8511 - lr: 0.00100 - 0.62s", ProgressBar.format(logs));
    }
}
