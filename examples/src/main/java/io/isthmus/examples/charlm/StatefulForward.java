package io.isthmus.examples.charlm;

import io.isthmus.data.Batch;
import io.isthmus.tensor.Tensor;
import io.isthmus.train.Callback;
import io.isthmus.train.Trainer;

import java.util.function.Function;

/**
 * How the trainer runs a {@link CharLm} on a batch of windows: ids [B, T] made time-major,
 * logits [T, B, V] returned as [T * B, V] (row {@code t * B + b}). Stateless (W7): every batch
 * starts from zeros. Stateful: in training, each batch starts from the state the previous
 * batch left, detached (truncated backprop through time over in-order streams), and every epoch
 * starts from zeros; evaluation always starts from zeros.
 */
final class StatefulForward implements Function<Batch, Tensor>, Callback {

    private final CharLm model;
    private final boolean stateful;
    private CharLm.State carried;

    StatefulForward(CharLm model, boolean stateful) {
        this.model = model;
        this.stateful = stateful;
    }

    @Override
    public Tensor apply(Batch batch) {
        boolean carry = stateful && model.isTraining();
        CharLm.Step step = model.forward(CharLm.timeMajor(batch.indices(Batch.INPUTS)), carry ? carried : null);
        if (carry) {
            carried = step.state().detached();
        }
        Tensor logits = step.logits();
        return logits.reshape(logits.size(0) * logits.size(1), logits.size(2));
    }

    @Override
    public void onEpochBegin(Trainer trainer, int epoch) {
        carried = null;
    }
}
