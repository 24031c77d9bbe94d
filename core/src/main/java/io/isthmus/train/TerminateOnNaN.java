package io.isthmus.train;

import java.util.Map;

/** Stops training as soon as the running loss becomes NaN or infinite, and says at which batch. */
public final class TerminateOnNaN implements Callback {

    private boolean terminated;

    @Override
    public void onTrainBegin(Trainer trainer) {
        terminated = false;
    }

    @Override
    public void onBatchEnd(Trainer trainer, int epoch, int batch, Map<String, Double> running) {
        Double loss = running.get("loss");
        if (!terminated && loss != null && !Double.isFinite(loss)) {
            terminated = true;
            trainer.log("epoch " + (epoch + 1) + ", batch " + (batch + 1) + ": loss is " + loss + ", terminating training");
            trainer.stopTraining();
        }
    }

    /** Whether the last fit was stopped by this callback. */
    public boolean terminated() {
        return terminated;
    }
}
