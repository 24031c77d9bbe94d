package io.isthmus.examples.charlm;

import io.isthmus.tensor.AnyTensor;
import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;
import io.isthmus.train.Metric;

/**
 * Next-character accuracy (the argmax of the logits is the target), logged as "accuracy", for
 * logits computed time-major against targets as a batch holds them: logits [T * B, V], row
 * {@code t * B + b}, against targets [B, T], entry {@code b * T + t}. Saves transposing either.
 */
final class TimeMajorAccuracy implements Metric {

    private long correct;
    private long total;

    @Override
    public String name() {
        return "accuracy";
    }

    @Override
    public void update(Tensor output, AnyTensor target) {
        if (!(target instanceof IndexTensor ids) || ids.dim() != 2) {
            throw new IllegalArgumentException("next-character accuracy needs target ids [B, T], got "
                    + Shape.str(target.shape()));
        }
        int batch = ids.shape()[0];
        int steps = ids.shape()[1];
        if (output.dim() != 2 || output.size(0) != batch * steps) {
            throw new IllegalArgumentException("next-character accuracy: logits " + Shape.str(output.shape())
                    + " do not match targets " + Shape.str(ids.shape()) + " (expected [T * B, V] = [" + batch * steps
                    + ", V])");
        }
        int classes = output.size(1);
        float[] logits = output.data();
        int[] labels = ids.data();
        for (int t = 0; t < steps; t++) {
            for (int b = 0; b < batch; b++) {
                int row = (t * batch + b) * classes;
                int best = 0;
                for (int c = 1; c < classes; c++) {
                    if (logits[row + c] > logits[row + best]) {
                        best = c;
                    }
                }
                correct += best == labels[b * steps + t] ? 1 : 0;
            }
        }
        total += (long) batch * steps;
    }

    @Override
    public double result() {
        return total == 0 ? Double.NaN : (double) correct / total;
    }

    @Override
    public void reset() {
        correct = 0;
        total = 0;
    }
}
