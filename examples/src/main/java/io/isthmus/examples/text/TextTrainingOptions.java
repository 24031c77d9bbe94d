package io.isthmus.examples.text;

import io.isthmus.examples.common.TrainingOptions;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The options of the character language-model trainers on top of the shared ones: the text and its split. */
public abstract class TextTrainingOptions extends TrainingOptions {

    @Option(names = "--data", paramLabel = "FILE", defaultValue = CharCorpus.DEFAULT_FILE,
            description = "a UTF-8 text file (default: ${DEFAULT-VALUE}, relative to the working directory)")
    public Path data;

    @Option(names = "--train-fraction", paramLabel = "F", defaultValue = "0.9",
            description = "the first part of the text trained on; the rest validates (default: ${DEFAULT-VALUE})")
    public double trainFraction;

    @Option(names = "--validation-batches", paramLabel = "N", defaultValue = "16",
            description = "fixed batches of random windows of the validation text evaluated after each epoch "
                    + "(default: ${DEFAULT-VALUE}, as W7 and W8)")
    public int validationBatches;

    @Override
    protected void validate() {
        super.validate();
        require(trainFraction > 0 && trainFraction < 1,
                "--train-fraction must be between 0 and 1 (exclusive), got " + trainFraction);
        require(validationBatches >= 1, "--validation-batches must be at least 1, got " + validationBatches);
    }
}
