package io.isthmus.nn;

import io.isthmus.ops.BatchNorm;
import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

/**
 * What {@link BatchNorm1d} and {@link BatchNorm2d} share (PyTorch's {@code _BatchNorm}):
 * per-channel normalization of x: [N, C, *] with PyTorch's state, names and defaults.
 *
 * <ul>
 *   <li>parameters {@code weight} (ones) and {@code bias} (zeros), when {@code affine};</li>
 *   <li>buffers {@code running_mean} (zeros), {@code running_var} (ones) and
 *       {@code num_batches_tracked} (0, a whole number saved as I64), when {@code trackRunningStats};</li>
 *   <li>eps 1e-5, momentum 0.1; momentum null averages all batches so far (factor
 *       1 / num_batches_tracked).</li>
 * </ul>
 *
 * <p>Training mode normalizes with the batch's mean and biased variance and updates the running
 * statistics (running_var from the unbiased variance) and num_batches_tracked. Eval mode
 * normalizes with the running statistics; without them ({@code trackRunningStats} false) both
 * modes use the batch's statistics.
 */
public abstract class BatchNormBase extends Layer {

    private final int numFeatures;
    private final double eps;
    private final Double momentum;
    private final Tensor weight;
    private final Tensor bias;
    private final Tensor runningMean;
    private final Tensor runningVar;
    private final Tensor numBatchesTracked;

    protected BatchNormBase(int numFeatures, double eps, Double momentum, boolean affine, boolean trackRunningStats) {
        if (numFeatures < 1) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " needs numFeatures >= 1, got " + numFeatures);
        }
        if (!(eps >= 0)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": eps must be >= 0, got " + eps);
        }
        if (momentum != null && !(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": momentum must be in [0, 1] or null "
                    + "(cumulative average), got " + momentum);
        }
        this.numFeatures = numFeatures;
        this.eps = eps;
        this.momentum = momentum;
        this.weight = affine ? registerParameter("weight", Tensor.ones(numFeatures)) : null;
        this.bias = affine ? registerParameter("bias", Tensor.zeros(numFeatures)) : null;
        this.runningMean = trackRunningStats ? registerBuffer("running_mean", Tensor.zeros(numFeatures)) : null;
        this.runningVar = trackRunningStats ? registerBuffer("running_var", Tensor.ones(numFeatures)) : null;
        this.numBatchesTracked = trackRunningStats ? registerIntegerBuffer("num_batches_tracked", Tensor.scalar(0f)) : null;
    }

    /** Rejects inputs of the wrong rank for this layer, as PyTorch's {@code _check_input_dim}. */
    protected abstract void checkInputRank(Tensor input);

    @Override
    protected Tensor compute(Tensor input) {
        checkInputRank(input);
        if (input.size(1) != numFeatures) {
            throw new IllegalArgumentException(getClass().getSimpleName() + "(" + numFeatures + ") got x "
                    + Shape.str(input.shape()) + " with " + input.size(1) + " channels (axis 1)");
        }
        boolean updating = isTraining() && runningMean != null;
        // counted as PyTorch counts, before the batch; stored only once the batch has passed the checks
        float batches = updating ? numBatchesTracked.data()[0] + 1 : 0;
        double factor = !updating ? 0 : momentum == null ? 1.0 / batches : momentum;
        // running statistics are null without tracking: then both modes use the batch's
        Tensor out = BatchNorm.batchNorm(input, runningMean, runningVar, weight, bias, isTraining() || runningMean == null,
                factor, eps);
        if (updating) {
            numBatchesTracked.data()[0] = batches;
        }
        return out;
    }

    public int numFeatures() {
        return numFeatures;
    }

    public double eps() {
        return eps;
    }

    /** The update factor of the running statistics, or null for the cumulative average. */
    public Double momentum() {
        return momentum;
    }

    /** [C] ones at start, or null without affine. */
    public Tensor weight() {
        return weight;
    }

    /** [C] zeros at start, or null without affine. */
    public Tensor bias() {
        return bias;
    }

    /** [C], or null without running statistics. */
    public Tensor runningMean() {
        return runningMean;
    }

    /** [C], or null without running statistics. */
    public Tensor runningVar() {
        return runningVar;
    }

    /** Training batches seen (PyTorch's num_batches_tracked), or -1 without running statistics. */
    public long numBatchesTracked() {
        return numBatchesTracked == null ? -1 : (long) numBatchesTracked.data()[0];
    }

    @Override
    public String describe() {
        return numFeatures + ", eps=" + eps + ", momentum=" + (momentum == null ? "None" : momentum)
                + ", affine=" + (weight != null) + ", track_running_stats=" + (runningMean != null);
    }
}
