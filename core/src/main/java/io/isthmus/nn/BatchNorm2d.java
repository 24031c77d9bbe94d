package io.isthmus.nn;

import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

/**
 * PyTorch's BatchNorm2d: x: [N, C, H, W], statistics per channel over N, H and W. State,
 * defaults and train/eval behaviour: {@link BatchNormBase}.
 */
public class BatchNorm2d extends BatchNormBase {

    /** eps 1e-5, momentum 0.1, affine, with running statistics. */
    public BatchNorm2d(int numFeatures) {
        this(numFeatures, 1e-5, 0.1, true, true);
    }

    /** momentum null: cumulative average of the batch statistics. */
    public BatchNorm2d(int numFeatures, double eps, Double momentum, boolean affine, boolean trackRunningStats) {
        super(numFeatures, eps, momentum, affine, trackRunningStats);
    }

    @Override
    protected void checkInputRank(Tensor input) {
        if (input.dim() != 4) {
            throw new IllegalArgumentException("BatchNorm2d expects x [N, C, H, W], got " + Shape.str(input.shape())
                    + " (rank " + input.dim() + ")");
        }
    }
}
