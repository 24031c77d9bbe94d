package io.isthmus.train;

import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

/**
 * Fraction of correct predictions. Multi-class: output [N, C] scores, target [N] class indices
 * (argmax compared). Binary: output [N] or [N, 1] logits, target 0/1 (logit &gt; 0 predicts 1).
 */
public final class Accuracy implements Metric {

    private long correct;
    private long total;

    @Override
    public String name() {
        return "accuracy";
    }

    @Override
    public void update(Tensor output, Tensor target) {
        int n = target.numel();
        float[] out = output.data();
        float[] labels = target.data();
        if (output.numel() == n) {
            for (int i = 0; i < n; i++) {
                correct += (out[i] > 0f) == (labels[i] > 0.5f) ? 1 : 0;
            }
        } else {
            if (output.dim() != 2 || output.size(0) != n) {
                throw new IllegalArgumentException("accuracy: output " + Shape.str(output.shape())
                        + " does not match targets " + Shape.str(target.shape()) + " (expected [N, C] and [N])");
            }
            int classes = output.size(1);
            for (int i = 0; i < n; i++) {
                int best = 0;
                for (int c = 1; c < classes; c++) {
                    if (out[i * classes + c] > out[i * classes + best]) {
                        best = c;
                    }
                }
                correct += best == (int) labels[i] ? 1 : 0;
            }
        }
        total += n;
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
