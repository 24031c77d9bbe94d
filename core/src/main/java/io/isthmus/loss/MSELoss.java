package io.isthmus.loss;

import io.isthmus.tensor.AnyTensor;
import io.isthmus.tensor.Tensor;

import java.util.Objects;

/**
 * Squared error {@code (input - target)^2}, as PyTorch's {@code nn.MSELoss}; mean over all
 * elements by default. input, target: the same shape (no broadcasting). Both may require grad.
 */
public final class MSELoss implements Loss {

    private final Reduction reduction;

    /** Mean over all elements. */
    public MSELoss() {
        this(Reduction.MEAN);
    }

    public MSELoss(Reduction reduction) {
        this.reduction = Objects.requireNonNull(reduction, "reduction");
    }

    public Reduction reduction() {
        return reduction;
    }

    /** input, target: [...], the same shape; result: [] or (NONE) that shape. */
    @Override
    public Tensor forward(Tensor input, AnyTensor targetValues) {
        Tensor target = AnyTensor.requireFloat(targetValues, "mse_loss: target");
        Reducer.requireSameShape("mse_loss", "input", input.shape(), "target", target.shape());
        float[] x = input.data();
        float[] y = target.data();
        int n = x.length;
        double[] perElement = new double[n];
        for (int i = 0; i < n; i++) {
            double d = (double) x[i] - y[i];
            perElement[i] = d * d;
        }
        float[] out = Reducer.apply(reduction, perElement, n);
        return Tensor.result(out, Reducer.shape(reduction, input.shape()), "mse_loss", (gradOut, grads) -> {
            // d/dx = 2 (x - y), d/dy = -2 (x - y)
            float[] gx = grads.needs(input) ? grads.overwrite(input) : null;
            float[] gy = grads.needs(target) ? grads.overwrite(target) : null;
            for (int i = 0; i < n; i++) {
                float g = 2f * (x[i] - y[i]) * Reducer.upstream(reduction, gradOut, i, n);
                if (gx != null) {
                    gx[i] = g;
                }
                if (gy != null) {
                    gy[i] = -g;
                }
            }
        }, input, target);
    }
}
