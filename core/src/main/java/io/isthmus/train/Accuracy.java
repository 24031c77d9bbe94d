package io.isthmus.train;

import io.isthmus.tensor.AnyTensor;
import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

/**
 * Fraction of correct predictions. Multi-class: output [N, C] scores, target [N] class indices
 * ({@link IndexTensor}, argmax compared). Binary: output [N] or [N, 1] logits, target [N] or [N, 1]
 * float 0/1 (logit &gt; 0 predicts 1).
 */
public final class Accuracy implements Metric {

    private long correct;
    private long total;

    @Override
    public String name() {
        return "accuracy";
    }

    @Override
    public void update(Tensor output, AnyTensor target) {
        int n = target.numel();
        float[] out = output.data();
        if (target instanceof Tensor binary) {
            if (output.numel() != n) {
                throw new IllegalArgumentException("accuracy: binary targets " + Shape.str(target.shape())
                        + " need one logit per sample, got output " + Shape.str(output.shape())
                        + " (for class scores, give class indices as an IndexTensor)");
            }
            float[] labels = binary.data();
            for (int i = 0; i < n; i++) {
                correct += (out[i] > 0f) == (labels[i] > 0.5f) ? 1 : 0;
            }
        } else {
            int[] labels = ((IndexTensor) target).data();
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
                correct += best == labels[i] ? 1 : 0;
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
