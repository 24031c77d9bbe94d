package io.isthmus.train;

import io.isthmus.loss.CrossEntropyLoss;
import io.isthmus.nn.Linear;
import io.isthmus.nn.Sequential;
import io.isthmus.optim.SGD;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CsvLogger: header, one row per epoch, flushed each epoch, append or truncate. */
class CsvLoggerTest {

    private static Trainer trainer() {
        var model = new Sequential(new Linear(2, 2, true, new SplittableRandom(1)));
        return new Trainer(model, new CrossEntropyLoss(), new SGD(model.parameters(), 0.1), new Accuracy());
    }

    private static io.isthmus.data.DataLoader data() {
        return TrainFixtures.loader(TrainFixtures.blobs(12, 2, 2, 1.0, 3), 4, false, 0);
    }

    private static Map<String, Double> logs(double loss, double accuracy) {
        Map<String, Double> logs = new LinkedHashMap<>();
        logs.put("loss", loss);
        logs.put("accuracy", accuracy);
        return logs;
    }

    @Test
    void writesAHeaderAndOneRowPerEpochOfTheHistory(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("logs/train.csv");
        Trainer trainer = trainer();
        History history = trainer.fit(data(), 3, data(), CsvLogger.to(csv));

        List<String> lines = Files.readAllLines(csv);
        assertEquals("epoch,loss,accuracy,lr,seconds,val_loss,val_accuracy,val_seconds", lines.get(0));
        assertEquals(4, lines.size());
        String[] header = lines.get(0).split(",");
        for (int e = 0; e < 3; e++) {
            String[] cells = lines.get(e + 1).split(",", -1);
            assertEquals(Integer.toString(e), cells[0], "epochs count from 0, as in Keras's CSVLogger");
            for (int c = 1; c < header.length; c++) {
                double logged = history.logs().get(e).get(header[c]);
                assertEquals(logged, Double.parseDouble(cells[c]), Math.abs(logged) * 1e-5, header[c] + " of epoch " + e);
            }
        }
    }

    @Test
    void eachRowIsOnDiskWhenItsEpochEnds(@TempDir Path dir) {
        Path csv = dir.resolve("train.csv");
        List<Integer> linesSeen = new ArrayList<>();
        Callback reader = new Callback() {
            @Override
            public void onEpochEnd(Trainer t, int epoch, Map<String, Double> logs) {
                try {
                    linesSeen.add(Files.readAllLines(csv).size());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
        trainer().fit(data(), 3, null, CsvLogger.to(csv), reader);
        assertEquals(List.of(2, 3, 4), linesSeen);
    }

    @Test
    void appendContinuesUnderTheExistingHeader(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("train.csv");
        Trainer trainer = trainer();
        CsvLogger first = CsvLogger.builder(csv).append(true).build();
        first.onTrainBegin(trainer);
        first.onEpochEnd(trainer, 0, logs(0.5, 0.75));
        first.onTrainEnd(trainer);

        CsvLogger second = CsvLogger.builder(csv).append(true).build();
        second.onTrainBegin(trainer);
        Map<String, Double> reordered = new LinkedHashMap<>();
        reordered.put("accuracy", 1.0);   // another order and a key the header lacks: the header decides
        reordered.put("extra", 9.0);
        reordered.put("loss", 0.25);
        second.onEpochEnd(trainer, 1, reordered);
        second.onEpochEnd(trainer, 2, Map.of("loss", 0.125));
        second.onTrainEnd(trainer);

        assertEquals(List.of("epoch,loss,accuracy", "0,0.500000,0.750000", "1,0.250000,1.00000", "2,0.125000,"),
                Files.readAllLines(csv));
    }

    @Test
    void withoutAppendAnOldFileIsReplaced(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("train.csv");
        Files.writeString(csv, "epoch,old\n0,1\n1,2\n2,3\n3,4\n");
        Trainer trainer = trainer();
        CsvLogger logger = CsvLogger.to(csv);
        logger.onTrainBegin(trainer);
        logger.onEpochEnd(trainer, 0, logs(0.5, 0.75));
        logger.onTrainEnd(trainer);
        assertEquals(List.of("epoch,loss,accuracy", "0,0.500000,0.750000"), Files.readAllLines(csv));
    }

    @Test
    void appendToAMissingFileStartsIt(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("new.csv");
        trainer().fit(data(), 1, null, CsvLogger.builder(csv).append(true).build());
        List<String> lines = Files.readAllLines(csv);
        assertEquals("epoch,loss,accuracy,lr,seconds", lines.get(0));
        assertEquals(2, lines.size());
    }

    @Test
    void anUnwritablePathNamesTheFile(@TempDir Path dir) throws IOException {
        Path blocker = dir.resolve("file");
        Files.writeString(blocker, "x");
        Path csv = blocker.resolve("train.csv");   // a file where a directory is needed
        var e = assertThrows(UncheckedIOException.class, () -> CsvLogger.to(csv).onTrainBegin(trainer()));
        assertTrue(e.getMessage().contains(csv.toString()), e.getMessage());
    }
}
