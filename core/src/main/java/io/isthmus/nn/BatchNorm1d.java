package io.isthmus.nn;

import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

/**
 * PyTorch's BatchNorm1d: x: [N, C] or [N, C, L], statistics per channel over N (and L). State,
 * defaults and train/eval behaviour: {@link BatchNormBase}.
 */
public class BatchNorm1d extends BatchNormBase {

    /** eps 1e-5, momentum 0.1, affine, with running statistics. */
    public BatchNorm1d(int numFeatures) {
        this(numFeatures, 1e-5, 0.1, true, true);
    }

    /** momentum null: cumulative average of the batch statistics. */
    public BatchNorm1d(int numFeatures, double eps, Double momentum, boolean affine, boolean trackRunningStats) {
        super(numFeatures, eps, momentum, affine, trackRunningStats);
    }

    @Override
    protected void checkInputRank(Tensor input) {
        if (input.dim() != 2 && input.dim() != 3) {
            throw new IllegalArgumentException("BatchNorm1d expects x [N, C] or [N, C, L], got " + Shape.str(input.shape())
                    + " (rank " + input.dim() + ")");
        }
    }
}
