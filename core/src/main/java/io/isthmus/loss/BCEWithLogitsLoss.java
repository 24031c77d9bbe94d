package io.isthmus.loss;

import io.isthmus.ops.Broadcast;
import io.isthmus.tensor.Shape;
import io.isthmus.tensor.AnyTensor;
import io.isthmus.tensor.Tensor;

import java.util.Arrays;
import java.util.Objects;

/**
 * Binary cross-entropy on logits, as PyTorch's {@code nn.BCEWithLogitsLoss}, computed stably
 * (no exp of a positive number, no log of 0): with l = 1 + (posWeight - 1) * y,
 * <pre>  loss = (1 - y) x + l * (log(1 + exp(-|x|)) + max(-x, 0))</pre>
 * which without a positive weight is {@code max(x, 0) - x y + log(1 + exp(-|x|))}.
 *
 * <p>input (logits), target (probabilities, usually 0 or 1): the same shape; posWeight: null
 * or broadcastable to the input (typically [C], one weight per class on the last axis).
 * Both input and target may require grad; posWeight is not differentiated.
 */
public final class BCEWithLogitsLoss implements Loss {

    private final Reduction reduction;
    private final Tensor posWeight;

    /** Mean over all elements, no positive weight. */
    public BCEWithLogitsLoss() {
        this(Reduction.MEAN, null);
    }

    private BCEWithLogitsLoss(Reduction reduction, Tensor posWeight) {
        this.reduction = Objects.requireNonNull(reduction, "reduction");
        this.posWeight = posWeight;
    }

    public BCEWithLogitsLoss withReduction(Reduction reduction) {
        return new BCEWithLogitsLoss(reduction, posWeight);
    }

    /** Weight of the positive term (e.g. negatives / positives per class); null for none. */
    public BCEWithLogitsLoss withPosWeight(Tensor weight) {
        return new BCEWithLogitsLoss(reduction, weight);
    }

    public Reduction reduction() {
        return reduction;
    }

    /** input, target: [...], the same shape; result: [] or (NONE) that shape. */
    @Override
    public Tensor forward(Tensor input, AnyTensor targetValues) {
        Tensor target = AnyTensor.requireFloat(targetValues, "binary_cross_entropy_with_logits: target");
        int[] shape = input.shape();
        Reducer.requireSameShape("binary_cross_entropy_with_logits", "input", shape, "target", target.shape());
        float[] pw = posWeightPerElement(shape);
        float[] x = input.data();
        float[] y = target.data();
        int n = x.length;
        double[] perElement = new double[n];
        for (int i = 0; i < n; i++) {
            double xi = x[i];
            double yi = y[i];
            double logWeight = pw == null ? 1 : 1 + (pw[i] - 1) * yi;
            perElement[i] = (1 - yi) * xi + logWeight * softplusOfNegative(xi);
        }
        float[] out = Reducer.apply(reduction, perElement, n);
        return Tensor.result(out, Reducer.shape(reduction, shape), "binary_cross_entropy_with_logits", (gradOut, grads) -> {
            // d/dx = (1 - y) - l * sigmoid(-x);  d/dy = -x + (posWeight - 1) * softplus(-x)
            float[] gx = grads.needs(input) ? grads.overwrite(input) : null;
            float[] gy = grads.needs(target) ? grads.overwrite(target) : null;
            for (int i = 0; i < n; i++) {
                double xi = x[i];
                double yi = y[i];
                double up = Reducer.upstream(reduction, gradOut, i, n);
                double positive = pw == null ? 1 : pw[i];
                if (gx != null) {
                    double logWeight = 1 + (positive - 1) * yi;
                    gx[i] = (float) (up * ((1 - yi) - logWeight * sigmoid(-xi)));
                }
                if (gy != null) {
                    gy[i] = (float) (up * (-xi + (positive - 1) * softplusOfNegative(xi)));
                }
            }
        }, input, target);
    }

    /** The positive weight broadcast to every element of {@code shape}, or null. */
    private float[] posWeightPerElement(int[] shape) {
        if (posWeight == null) {
            return null;
        }
        int[] pwShape = posWeight.shape();
        int[] broadcast;
        try {
            broadcast = Shape.broadcast(pwShape, shape);
        } catch (IllegalArgumentException e) {
            broadcast = null;
        }
        if (!Arrays.equals(broadcast, shape)) {
            throw new IllegalArgumentException("binary_cross_entropy_with_logits: posWeight " + Shape.str(pwShape)
                    + " does not broadcast to input " + Shape.str(shape));
        }
        return Broadcast.expand(posWeight.data(), pwShape, shape);
    }

    /** log(1 + exp(-x)) without overflow: log1p(exp(-|x|)) + max(-x, 0). */
    private static double softplusOfNegative(double x) {
        return Math.log1p(Math.exp(-Math.abs(x))) + Math.max(-x, 0);
    }

    private static double sigmoid(double v) {
        if (v >= 0) {
            return 1 / (1 + Math.exp(-v));
        }
        double e = Math.exp(v);
        return e / (1 + e);
    }
}
