package io.isthmus.loss;

import io.isthmus.kernels.Kernels;
import io.isthmus.tensor.Shape;
import io.isthmus.tensor.AnyTensor;
import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Tensor;

import java.util.Objects;

/**
 * Cross-entropy of class scores against class indices, as PyTorch's {@code nn.CrossEntropyLoss}:
 * log-softmax over the class axis and the negative log-likelihood in one fused op, whose
 * backward is {@code softmax - smoothed one-hot}, scaled (no softmax graph is recorded).
 *
 * <p>logits: [N, C], [N, C, d1, ...] or [C]; target: [N], [N, d1, ...] or [] holding class
 * indices (an IndexTensor) (integers in [0, C), or the ignore index). Per row with label y, class
 * weights w (all 1 when none are given) and label smoothing eps:
 * <pre>  loss = (1 - eps) * (-w[y] log p[y]) + eps / C * sum_c (-w[c] log p[c])</pre>
 * Rows whose target is the ignore index contribute 0. {@link Reduction#MEAN} (the default)
 * divides the sum by the sum of w[y] over the rows not ignored (their count without weights);
 * when every row is ignored that is 0/0 = NaN, as in PyTorch. {@link Reduction#NONE} returns
 * the target's shape.
 */
public final class CrossEntropyLoss implements Loss {

    /** PyTorch's default ignore index. */
    public static final int DEFAULT_IGNORE_INDEX = -100;

    private final Reduction reduction;
    private final int ignoreIndex;
    private final float labelSmoothing;
    private final Tensor weight;

    /** Mean reduction, ignore index -100, no label smoothing, no class weights. */
    public CrossEntropyLoss() {
        this(Reduction.MEAN, DEFAULT_IGNORE_INDEX, 0f, null);
    }

    private CrossEntropyLoss(Reduction reduction, int ignoreIndex, float labelSmoothing, Tensor weight) {
        this.reduction = Objects.requireNonNull(reduction, "reduction");
        if (!(labelSmoothing >= 0f && labelSmoothing <= 1f)) {
            throw new IllegalArgumentException("cross_entropy: label smoothing must be in [0, 1], got " + labelSmoothing);
        }
        if (weight != null && weight.dim() != 1) {
            throw new IllegalArgumentException("cross_entropy: class weight must be [C], got "
                    + Shape.str(weight.shape()));
        }
        this.ignoreIndex = ignoreIndex;
        this.labelSmoothing = labelSmoothing;
        this.weight = weight;
    }

    public CrossEntropyLoss withReduction(Reduction reduction) {
        return new CrossEntropyLoss(reduction, ignoreIndex, labelSmoothing, weight);
    }

    /** Targets equal to {@code index} are skipped (they add nothing, not even to the mean's count). */
    public CrossEntropyLoss withIgnoreIndex(int index) {
        return new CrossEntropyLoss(reduction, index, labelSmoothing, weight);
    }

    /** eps in [0, 1]: the target distribution becomes (1 - eps) one-hot + eps uniform. */
    public CrossEntropyLoss withLabelSmoothing(double eps) {
        return new CrossEntropyLoss(reduction, ignoreIndex, (float) eps, weight);
    }

    /** Per-class weights, [C] (not differentiated); null for none. */
    public CrossEntropyLoss withWeight(Tensor classWeight) {
        return new CrossEntropyLoss(reduction, ignoreIndex, labelSmoothing, classWeight);
    }

    public Reduction reduction() {
        return reduction;
    }

    public int ignoreIndex() {
        return ignoreIndex;
    }

    public float labelSmoothing() {
        return labelSmoothing;
    }

    /** logits: [N, C, d1, ...] or [C]; target: [N, d1, ...] or [] of class indices. */
    @Override
    public Tensor forward(Tensor logits, AnyTensor target) {
        return forward(logits, AnyTensor.requireIndices(target, "cross_entropy: target"));
    }

    /** The typed form of {@link #forward(Tensor, AnyTensor)}. */
    public Tensor forward(Tensor logits, IndexTensor target) {
        ClassTargets t = ClassTargets.check("cross_entropy", logits, target, ignoreIndex);
        float[] w = ClassTargets.checkWeight("cross_entropy", weight, t.classes, logits.shape());
        int rows = t.rows;
        int classes = t.classes;
        float[] logp = new float[rows * classes];
        Kernels.elementwise().logSoftmaxRows(t.gatherRows(logits.data()), 0, logp, 0, rows, classes);

        double eps = labelSmoothing;
        double smoothPerClass = eps / classes;
        double weightTotal = w == null ? classes : sum(w);
        double[] perRow = new double[rows];
        double denominator = 0;
        for (int r = 0; r < rows; r++) {
            int y = t.labels[r];
            if (y == ClassTargets.IGNORED) {
                continue;
            }
            double wy = w == null ? 1 : w[y];
            denominator += wy;
            int base = r * classes;
            double loss = -(1 - eps) * wy * logp[base + y];
            if (eps != 0) {
                double smooth = 0;
                for (int c = 0; c < classes; c++) {
                    smooth -= (w == null ? 1 : w[c]) * logp[base + c];
                }
                loss += smoothPerClass * smooth;
            }
            perRow[r] = loss;
        }
        double meanDenominator = denominator;
        float[] out = Reducer.apply(reduction, perRow, meanDenominator);
        return Tensor.result(out, Reducer.shape(reduction, t.targetShape), "cross_entropy", (gradOut, grads) -> {
            // d loss / d logit_j = p_j * ((1-eps) w[y] + eps/C * sum w) - (1-eps) w[y] [j = y] - eps/C * w[j]
            float[] rowGrad = new float[rows * classes];
            for (int r = 0; r < rows; r++) {
                int y = t.labels[r];
                if (y == ClassTargets.IGNORED) {
                    continue;
                }
                double scale = Reducer.upstream(reduction, gradOut, r, meanDenominator);
                double wy = w == null ? 1 : w[y];
                double probabilityScale = (1 - eps) * wy + smoothPerClass * weightTotal;
                int base = r * classes;
                for (int c = 0; c < classes; c++) {
                    double g = Math.exp(logp[base + c]) * probabilityScale - smoothPerClass * (w == null ? 1 : w[c]);
                    if (c == y) {
                        g -= (1 - eps) * wy;
                    }
                    rowGrad[base + c] = (float) (scale * g);
                }
            }
            t.giveRowsGrad(rowGrad, logits, grads);
        }, logits);
    }

    private static double sum(float[] values) {
        double sum = 0;
        for (float v : values) {
            sum += v;
        }
        return sum;
    }
}
