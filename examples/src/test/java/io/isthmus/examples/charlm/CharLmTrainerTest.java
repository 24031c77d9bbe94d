package io.isthmus.examples.charlm;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.isthmus.data.CharVocabulary;
import io.isthmus.examples.Commands.Result;
import io.isthmus.examples.ShakespeareSlice;
import io.isthmus.examples.text.CharCorpus;
import io.isthmus.examples.text.LanguageModelCommand;
import io.isthmus.io.SafeTensors;
import io.isthmus.io.StoredTensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static io.isthmus.examples.Commands.json;
import static io.isthmus.examples.Commands.run;
import static io.isthmus.examples.Commands.with;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code char-lm} end to end on a slice of the shared Tiny Shakespeare (skipped without ../shared). */
class CharLmTrainerTest {

    /** Characters of the slice: 90,000 train, 10,000 validate. */
    private static final int SLICE = 100_000;

    @TempDir
    Path work;

    private Path text;

    @BeforeEach
    void slice() throws IOException {
        text = ShakespeareSlice.write(work, SLICE);
    }

    private String[] small(String... extra) {
        String[] base = {"char-lm", "--data", text.toString(), "--threads", "1", "--batch-size", "32",
                "--seq-len", "50", "--validation-batches", "4", "--plot", work.resolve("curves.png").toString()};
        return with(base, extra);
    }

    @Test
    void learnsBelowTheUnigramBaselineAndGeneratesFromItsCheckpoint() throws IOException {
        Path report = work.resolve("run.json");
        Path checkpoint = work.resolve("lm.safetensors");
        Result trained = run(small("--hidden", "64", "--steps", "40", "--lr", "5e-3", "--checkpoint", checkpoint.toString(),
                "--temperature", "0.5,1", "--length", "120", "--report", report.toString()));
        assertEquals(0, trained.exit(), trained.err());
        JsonObject json = json(report);
        assertEquals("char-lm", json.get("command").getAsString());
        assertEquals("lstm", json.get("cell").getAsString());
        assertEquals(40, json.get("steps_per_epoch").getAsInt());
        assertEquals(90_000, json.get("training_chars").getAsInt());
        double unigram = json.get("unigram_baseline_loss").getAsDouble();
        // The unigram cross-entropy of the slice's characters is 3.32 nats; 40 steps of 32 windows of 50
        // characters reach 2.46 here: the bar, 0.6 below the baseline, leaves a margin for other GEMM paths.
        JsonArray losses = json.getAsJsonArray("val_losses");
        assertEquals(1, losses.size());
        double loss = losses.get(0).getAsDouble();
        assertTrue(loss < unigram - 0.6, "validation loss " + loss + " should be 0.6 below the unigram baseline " + unigram);
        assertEquals(Math.exp(loss), json.getAsJsonArray("val_perplexities").get(0).getAsDouble(), 1e-9);
        assertTrue(json.get("train_chars_per_sec").getAsDouble() > 0, json.toString());
        assertEquals(40, json.get("timed_steps").getAsInt());
        JsonObject samples = json.getAsJsonObject("samples");
        assertEquals(2, samples.size());
        assertEquals(120, samples.get("0.5").getAsString().length());
        assertTrue(Files.isRegularFile(work.resolve("curves.png")));

        Path vocabularyFile = work.resolve("lm.safetensors.vocab.json");
        CharVocabulary vocabulary = CharVocabulary.load(vocabularyFile);
        assertEquals(CharVocabulary.of(Files.readString(text)), vocabulary);
        // The corpus is gone: generation needs only the checkpoint and the vocabulary beside it.
        Files.delete(text);
        String first = generated(checkpoint, "7", "ROMEO:");
        String again = generated(checkpoint, "7", "ROMEO:");
        String other = generated(checkpoint, "8", "ROMEO:");
        assertEquals(300, first.codePointCount(0, first.length()));
        first.codePoints().forEach(c -> assertTrue(vocabulary.contains(c), "generated a character outside the vocabulary: " + c));
        assertEquals(first, again, "the same seed must give the same text");
        assertNotEquals(first, other, "another seed should give other text");
    }

    /** The sample of {@code --generate} at temperature 1 with {@code seed}, read from the report. */
    private String generated(Path checkpoint, String seed, String prime) throws IOException {
        Path report = work.resolve("gen-" + seed + ".json");
        Result result = run("char-lm", "--generate", checkpoint.toString(), "--threads", "1", "--length", "300",
                "--temperature", "1", "--seed", seed, "--prime", prime, "--report", report.toString());
        assertEquals(0, result.exit(), result.err());
        JsonObject json = json(report);
        assertEquals(prime, json.get("prime").getAsString());
        return json.getAsJsonObject("samples").get("1.0").getAsString();
    }

    @Test
    void aResumedRunEqualsAnUninterruptedOne() throws IOException {
        Path whole = work.resolve("whole.safetensors");
        Path parts = work.resolve("parts.safetensors");
        String[] tiny = {"--hidden", "16", "--steps-per-epoch", "4"};
        assertEquals(0, run(small(with(tiny, "--epochs", "2", "--checkpoint", whole.toString(), "--length", "5"))).exit());
        assertEquals(0, run(small(with(tiny, "--epochs", "1", "--checkpoint", parts.toString(), "--length", "5"))).exit());
        Result resumed = run(small(with(tiny, "--epochs", "2", "--resume", parts.toString(), "--checkpoint",
                parts.toString(), "--length", "5")));
        assertEquals(0, resumed.exit(), resumed.err());
        Map<String, StoredTensor> expected = SafeTensors.read(whole).tensors();
        Map<String, StoredTensor> actual = SafeTensors.read(parts).tensors();
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((name, tensor) -> assertArrayEquals(tensor.toTensor().data(),
                actual.get(name).toTensor().data(), name + " differs after resuming"));
    }

    @Test
    void statefulGruWithPatienceKeepsTheBestEpochAndGeneratesFromIt() throws IOException {
        Path report = work.resolve("gru.json");
        Path dir = work.resolve("best");
        Result trained = run(small("--cell", "gru", "--layers", "2", "--hidden", "32", "--stateful", "--epochs", "2",
                "--patience", "1", "--checkpoint-dir", dir.toString(), "--length", "20", "--temperature", "0",
                "--report", report.toString()));
        assertEquals(0, trained.exit(), trained.err());
        JsonObject json = json(report);
        assertTrue(json.get("stateful").getAsBoolean());
        assertEquals("gru", json.get("cell").getAsString());
        // 90,000 characters in 32 streams of 2,812, 56 windows of 50 each.
        assertEquals(56, json.get("steps_per_epoch").getAsInt());
        assertEquals(2, json.getAsJsonArray("val_losses").size());
        assertTrue(Files.isRegularFile(dir.resolve(LanguageModelCommand.DIR_VOCABULARY)));
        Path best = Path.of(json.get("best_checkpoint").getAsString());
        assertTrue(Files.isRegularFile(best), best + " was not written");
        // Temperature 0 is the argmax: the same text as the trained run's own greedy sample.
        Path generatedReport = work.resolve("greedy.json");
        Result greedy = run("char-lm", "--generate", best.toString(), "--threads", "1", "--length", "20",
                "--temperature", "0", "--report", generatedReport.toString());
        assertEquals(0, greedy.exit(), greedy.err());
        String sample = json(generatedReport).getAsJsonObject("samples").get("0.0").getAsString();
        assertEquals(20, sample.length());
        assertEquals(json.getAsJsonObject("samples").get("0.0").getAsString(), sample);
    }


    @Test
    void missingEmptyAndNonUtf8TextSayWhatIsWrong() throws IOException {
        Path missing = work.resolve("nowhere.txt");
        Result none = run("char-lm", "--data", missing.toString(), "--plot", work.resolve("x.png").toString());
        assertEquals(1, none.exit());
        assertTrue(none.err().contains("no text file at " + missing), none.err());
        assertTrue(none.err().contains("--data FILE") && none.err().contains(CharCorpus.SOURCE), none.err());

        Path empty = Files.write(work.resolve("empty.txt"), new byte[0]);
        Result emptyRun = run("char-lm", "--data", empty.toString(), "--plot", work.resolve("x.png").toString());
        assertEquals(1, emptyRun.exit());
        assertTrue(emptyRun.err().contains("empty") && emptyRun.err().contains(empty.toString()), emptyRun.err());

        Path latin1 = Files.write(work.resolve("latin1.txt"), "caf\u00e9\nna\u00efve\n".getBytes(StandardCharsets.ISO_8859_1));
        Result binary = run("char-lm", "--data", latin1.toString(), "--plot", work.resolve("x.png").toString());
        assertEquals(1, binary.exit());
        assertTrue(binary.err().contains("not valid UTF-8") && binary.err().contains("0xE9"), binary.err());

        Path shortText = Files.writeString(work.resolve("short.txt"), "To be, or not to be: that is the question.\n");
        Result tooShort = run("char-lm", "--data", shortText.toString(), "--plot", work.resolve("x.png").toString());
        assertEquals(1, tooShort.exit());
        assertTrue(tooShort.err().contains("too short") && tooShort.err().contains("--seq-len"), tooShort.err());
    }

    @Test
    void anUnseenPrimeCharacterFailsBeforeTraining() {
        Result run = run(small("--hidden", "8", "--steps", "2", "--prime", "Rom\u00eb"));
        assertEquals(1, run.exit());
        assertTrue(run.err().contains("--prime") && run.err().contains("U+00EB") && run.err().contains("position 3"),
                run.err());
        assertFalse(Files.exists(work.resolve("curves.png")), "it trained before checking the prime");
    }

    @Test
    void generateNeedsTheVocabularyBesideTheCheckpoint() throws IOException {
        Path checkpoint = work.resolve("lm.safetensors");
        assertEquals(0, run(small("--hidden", "8", "--steps", "1", "--checkpoint", checkpoint.toString(),
                "--length", "3")).exit());
        Files.delete(work.resolve("lm.safetensors.vocab.json"));
        Result result = run("char-lm", "--generate", checkpoint.toString());
        assertEquals(1, result.exit());
        assertTrue(result.err().contains("no vocabulary beside the checkpoint")
                && result.err().contains("lm.safetensors.vocab.json"), result.err());

        Result missing = run("char-lm", "--generate", work.resolve("none.safetensors").toString());
        assertEquals(1, missing.exit());
        assertTrue(missing.err().contains("no such file"), missing.err());
    }

    @Test
    void badOptionsAreUsageErrors() {
        assertEquals(2, run(small("--temperature", "-1")).exit());
        assertEquals(2, run(small("--steps", "5", "--epochs", "2")).exit());
        assertEquals(2, run(small("--stateful", "--steps", "5")).exit());
        assertEquals(2, run(small("--top-k", "0")).exit());
        assertEquals(2, run(small("--cell", "transformer")).exit());
    }
}
