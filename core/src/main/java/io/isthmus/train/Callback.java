package io.isthmus.train;

import java.util.Map;

/**
 * Hooks into {@link Trainer#fit}, as in Keras. {@code logs} hold the epoch's metrics by name
 * ({@code loss}, {@code accuracy}, {@code val_loss}, {@code val_accuracy}, {@code lr},
 * {@code seconds}); epochs count from 0 here and are printed from 1.
 */
public interface Callback {

    default void onTrainBegin(Trainer trainer) {
    }

    default void onEpochBegin(Trainer trainer, int epoch) {
    }

    /** After each training batch; {@code running} holds the epoch's metrics so far. */
    default void onBatchEnd(Trainer trainer, int epoch, int batch, Map<String, Double> running) {
    }

    default void onEpochEnd(Trainer trainer, int epoch, Map<String, Double> logs) {
    }

    default void onTrainEnd(Trainer trainer) {
    }
}
