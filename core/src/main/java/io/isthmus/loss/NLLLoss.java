package io.isthmus.loss;

import io.isthmus.tensor.AnyTensor;
import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Tensor;

import java.util.Objects;

/**
 * Negative log-likelihood of log-probabilities against class indices, as PyTorch's
 * {@code nn.NLLLoss}: per row with label y, {@code loss = -w[y] * input[y]}.
 *
 * <p>input: [N, C], [N, C, d1, ...] or [C] of log-probabilities (e.g. from
 * {@code logSoftmax(1)}); target: [N], [N, d1, ...] or [] of class indices (an IndexTensor).
 * {@link Reduction#MEAN} (the default) divides by the sum of w[y] over the rows not ignored;
 * all rows ignored gives NaN, as in PyTorch.
 */
public final class NLLLoss implements Loss {

    private final Reduction reduction;
    private final int ignoreIndex;
    private final Tensor weight;

    /** Mean reduction, ignore index -100, no class weights. */
    public NLLLoss() {
        this(Reduction.MEAN, CrossEntropyLoss.DEFAULT_IGNORE_INDEX, null);
    }

    private NLLLoss(Reduction reduction, int ignoreIndex, Tensor weight) {
        this.reduction = Objects.requireNonNull(reduction, "reduction");
        this.ignoreIndex = ignoreIndex;
        this.weight = weight;
    }

    public NLLLoss withReduction(Reduction reduction) {
        return new NLLLoss(reduction, ignoreIndex, weight);
    }

    public NLLLoss withIgnoreIndex(int index) {
        return new NLLLoss(reduction, index, weight);
    }

    /** Per-class weights, [C] (not differentiated); null for none. */
    public NLLLoss withWeight(Tensor classWeight) {
        return new NLLLoss(reduction, ignoreIndex, classWeight);
    }

    public Reduction reduction() {
        return reduction;
    }

    public int ignoreIndex() {
        return ignoreIndex;
    }

    /** input: [N, C, d1, ...] or [C] log-probabilities; target: [N, d1, ...] or [] class indices. */
    @Override
    public Tensor forward(Tensor input, AnyTensor target) {
        return forward(input, AnyTensor.requireIndices(target, "nll_loss: target"));
    }

    /** The typed form of {@link #forward(Tensor, AnyTensor)}. */
    public Tensor forward(Tensor input, IndexTensor target) {
        ClassTargets t = ClassTargets.check("nll_loss", input, target, ignoreIndex);
        float[] w = ClassTargets.checkWeight("nll_loss", weight, t.classes, input.shape());
        float[] x = input.data();
        double[] perRow = new double[t.rows];
        double denominator = 0;
        for (int r = 0; r < t.rows; r++) {
            int y = t.labels[r];
            if (y != ClassTargets.IGNORED) {
                double wy = w == null ? 1 : w[y];
                denominator += wy;
                perRow[r] = -wy * x[t.index(r, y)];
            }
        }
        double meanDenominator = denominator;
        float[] out = Reducer.apply(reduction, perRow, meanDenominator);
        return Tensor.result(out, Reducer.shape(reduction, t.targetShape), "nll_loss", (gradOut, grads) -> {
            float[] g = grads.zeroed(input);
            for (int r = 0; r < t.rows; r++) {
                int y = t.labels[r];
                if (y != ClassTargets.IGNORED) {
                    double wy = w == null ? 1 : w[y];
                    g[t.index(r, y)] -= (float) (wy * Reducer.upstream(reduction, gradOut, r, meanDenominator));
                }
            }
        }, input);
    }
}
