package io.isthmus.examples.common;

import io.isthmus.train.Callback;
import io.isthmus.train.EarlyStopping;
import io.isthmus.train.History;
import io.isthmus.train.Mode;
import io.isthmus.train.ModelCheckpoint;
import io.isthmus.train.Trainer;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * Keras-style callbacks that keep the best epoch: stop when the validation loss has not improved
 * for {@code patience} epochs, save a checkpoint whenever it improves, and end with the weights
 * of the epoch with the lowest validation loss.
 */
public final class BestEpoch {

    private final EarlyStopping earlyStopping;
    private final ModelCheckpoint bestCheckpoint;

    /** namePattern: the checkpoints' file name in {@code checkpointDir}, e.g. "mlp-{epoch:02d}-{val_loss:.4f}.safetensors". */
    public BestEpoch(int patience, Path checkpointDir, String namePattern) {
        this.earlyStopping = EarlyStopping.builder().monitor("val_loss").mode(Mode.MIN).patience(patience)
                .restoreBestWeights(true).build();
        this.bestCheckpoint = ModelCheckpoint.bestOnValidationLoss(checkpointDir.resolve(namePattern).toString());
    }

    /** {@code others}, then these callbacks: to pass to {@link Trainer#fit}. */
    public Callback[] callbacks(Callback... others) {
        Callback[] all = Arrays.copyOf(others, others.length + 2);
        all[others.length] = earlyStopping;
        all[others.length + 1] = bestCheckpoint;
        return all;
    }

    /** After the fit: prints which epoch's weights the model holds now and returns that epoch, 0-based. */
    public int kept(Trainer trainer, History history) {
        int kept = earlyStopping.bestEpoch();
        if (kept < 0) {
            // Only when every validation loss was NaN: nothing was restored or saved.
            kept = trainer.lastEpoch();
            System.out.printf("no epoch had a finite val_loss; kept the weights of the last epoch, %d%n", kept + 1);
        } else {
            System.out.printf(Locale.ROOT, "kept the weights of epoch %d of %d (val_loss %.4f), saved as %s%n",
                    kept + 1, history.size(), earlyStopping.bestValue(), bestCheckpoint.lastSaved());
        }
        return kept;
    }

    /** The report's record of it: patience, the epoch it stopped after (or null), the kept epoch and its checkpoint. */
    public TrainingReport record(TrainingReport report, int kept) {
        return report.put("patience", earlyStopping.patience())
                .put("stopped_early_after_epoch", earlyStopping.stoppedEpoch() < 0 ? null
                        : earlyStopping.stoppedEpoch() + 1)
                .put("kept_epoch", kept + 1)
                .put("best_checkpoint", Objects.toString(bestCheckpoint.lastSaved(), null));
    }
}
