package io.isthmus.optim;

import io.isthmus.tensor.Tensor;

import java.util.Collection;
import java.util.List;

/**
 * Adam ({@code torch.optim.Adam}): with weight decay wd added to the gradient as L2
 * ({@code g + wd * p}), then
 * <pre>
 *   m = b1 m + (1 - b1) g,   v = b2 v + (1 - b2) g^2
 *   p = p - lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 * </pre>
 * with t the parameter's own step count. Defaults: betas (0.9, 0.999), eps 1e-8, wd 0.
 */
public final class Adam extends AdamFamily {

    /** PyTorch's defaults with the given learning rate. */
    public Adam(List<Tensor> params, double lr) {
        this(single(params), builder(lr));
    }

    /** Parameter groups; what a group does not set is PyTorch's default (lr: the given one). */
    public Adam(Collection<ParamGroup> groups, double lr) {
        this(groups, builder(lr));
    }

    private Adam(Collection<ParamGroup> groups, Builder o) {
        super("adam", groups, o, false);
    }

    public static Builder builder(double lr) {
        return new Builder(lr);
    }

    /** Adam's options, starting from PyTorch's defaults; for groups, the values of settings a group leaves unset. */
    public static final class Builder extends AdamFamily.Options<Builder> {
        private Builder(double lr) {
            super(lr, 0);
        }

        public Adam build(List<Tensor> params) {
            return new Adam(single(params), this);
        }

        public Adam build(Collection<ParamGroup> groups) {
            return new Adam(groups, this);
        }
    }
}
