package io.isthmus.examples.text;

import io.isthmus.train.Callback;
import io.isthmus.train.Trainer;

import java.util.Locale;
import java.util.Map;

/** After each epoch, the validation loss as a perplexity (exp of the mean loss in nats per character). */
public final class PerplexityLog implements Callback {

    @Override
    public void onEpochEnd(Trainer trainer, int epoch, Map<String, Double> logs) {
        Double loss = logs.get("val_loss");
        if (loss != null) {
            trainer.log(String.format(Locale.ROOT, "epoch %d: validation loss %.4f nats/char, perplexity %.3f",
                    epoch + 1, loss, Math.exp(loss)));
        }
    }
}
