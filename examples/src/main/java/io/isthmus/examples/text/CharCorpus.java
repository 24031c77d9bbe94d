package io.isthmus.examples.text;

import io.isthmus.data.CharVocabulary;
import io.isthmus.data.DataFormatException;
import io.isthmus.data.TextFile;
import io.isthmus.data.TextSplit;
import io.isthmus.examples.ExampleFailure;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A text corpus for the character models ({@code char-lm}, {@code gpt}): its characters'
 * vocabulary (the sorted distinct characters, as W7's and W8's {@code sorted(set(text))}) and its
 * ids split in text order, the first {@code trainFraction} for training and the rest for
 * validation (W7, W8: 0.9).
 */
public record CharCorpus(Path file, CharVocabulary vocabulary, TextSplit split) {

    /** Where the character models look without {@code --data}: relative to the working directory. */
    public static final String DEFAULT_FILE = "data/tinyshakespeare/input.txt";
    public static final String SOURCE =
            "https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt";

    /** Reads and splits {@code file}; fails with where it looked and how to get the text. */
    public static CharCorpus load(Path file, double trainFraction) {
        String text;
        try {
            text = TextFile.read(file);
        } catch (NoSuchFileException e) {
            throw new ExampleFailure("no text file at " + file.toAbsolutePath().normalize()
                    + (e.getReason() == null ? "" : " (" + e.getReason() + ")")
                    + "; pass --data FILE with a UTF-8 text, or put Tiny Shakespeare at ./" + DEFAULT_FILE
                    + " (download it from " + SOURCE + ")", e);
        } catch (DataFormatException e) {
            throw new ExampleFailure("cannot train on " + file + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new ExampleFailure("cannot read the text " + file + ": " + e.getMessage(), e);
        }
        CharVocabulary vocabulary = CharVocabulary.of(text);
        int[] ids = vocabulary.encode(text);
        try {
            return new CharCorpus(file, vocabulary, TextSplit.of(ids, trainFraction));
        } catch (IllegalArgumentException e) {
            throw new ExampleFailure("the text " + file + " is too short to split: " + e.getMessage(), e);
        }
    }

    /**
     * The baseline a language model must beat: the cross-entropy (nats per character) of the
     * validation characters under the training characters' frequencies (add-one smoothed, so a
     * character absent from the training part costs a finite amount).
     */
    public double unigramLoss() {
        int size = vocabulary.size();
        double[] counts = new double[size];
        for (int id : split.train()) {
            counts[id]++;
        }
        double total = split.train().length + size;
        double loss = 0;
        for (int id : split.validation()) {
            loss -= Math.log((counts[id] + 1) / total);
        }
        return loss / split.validation().length;
    }
}
