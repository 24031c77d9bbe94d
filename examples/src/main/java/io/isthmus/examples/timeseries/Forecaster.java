package io.isthmus.examples.timeseries;

import io.isthmus.examples.rnn.CellType;
import io.isthmus.examples.rnn.LastStepNet;
import io.isthmus.nn.Layer;
import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

import java.util.Locale;

/**
 * A direct multi-output forecaster: a window of {@code lookback} scaled values in, the next
 * {@code horizon} values out, all at once.
 * <pre>
 * x [B, lookback, 1] -> {@link LastStepNet} (cell, layers x hidden, Linear(hidden, horizon)) -> [B, horizon]
 *                    (+ x[:, lookback - 1, 0] broadcast over the horizon, when residual)
 * </pre>
 * Residual: the network forecasts the change from the last value it saw rather than the level.
 * A trending series (airline passengers) leaves the training range in its test tail, where a
 * saturating recurrent layer cannot follow a level; the change stays in the range it was trained on.
 */
final class Forecaster extends Layer {

    private final LastStepNet net;
    private final boolean residual;
    private final int horizon;

    Forecaster(CellType cell, int hidden, int layers, int horizon, boolean residual) {
        this.net = registerModule("net", new LastStepNet(cell, 1, hidden, layers, horizon));
        this.residual = residual;
        this.horizon = horizon;
    }

    /** "lstm 1x32 -> 1, residual". */
    String recipe() {
        return net.recipe() + (residual ? ", residual (forecasts the change from the last value)" : "");
    }

    /** x: [B, lookback, 1] -> [B, horizon]. */
    @Override
    protected Tensor compute(Tensor x) {
        if (x.dim() != 3 || x.shape()[2] != 1) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "Forecaster: input must be [B, lookback, 1], got %s", Shape.str(x.shape())));
        }
        Tensor out = net.forward(x);
        if (!residual) {
            return out;
        }
        int[] shape = x.shape();
        Tensor last = x.narrow(1, shape[1] - 1, 1).reshape(shape[0], 1);
        return out.add(last);
    }

    int horizon() {
        return horizon;
    }
}
