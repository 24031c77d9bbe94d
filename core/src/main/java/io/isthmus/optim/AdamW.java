package io.isthmus.optim;

import io.isthmus.tensor.Tensor;

import java.util.Collection;
import java.util.List;

/**
 * AdamW ({@code torch.optim.AdamW}): Adam with decoupled weight decay, the parameter first
 * shrunk by {@code p *= 1 - lr * wd}, then the Adam step on the raw gradient (see
 * {@link Adam}). Defaults: betas (0.9, 0.999), eps 1e-8, wd 0.01.
 */
public final class AdamW extends AdamFamily {

    /** PyTorch's defaults (weight decay 0.01) with the given learning rate. */
    public AdamW(List<Tensor> params, double lr) {
        this(single(params), builder(lr));
    }

    /**
     * Parameter groups; what a group does not set is PyTorch's default (lr: the given one), e.g.
     * {@code new AdamW(ParamGroup.decayAndNoDecay(model.namedParameters()), 1e-3)}.
     */
    public AdamW(Collection<ParamGroup> groups, double lr) {
        this(groups, builder(lr));
    }

    private AdamW(Collection<ParamGroup> groups, Builder o) {
        super("adamw", groups, o, true);
    }

    public static Builder builder(double lr) {
        return new Builder(lr);
    }

    /** AdamW's options, starting from PyTorch's defaults; for groups, the values of settings a group leaves unset. */
    public static final class Builder extends AdamFamily.Options<Builder> {
        private Builder(double lr) {
            super(lr, 0.01);
        }

        public AdamW build(List<Tensor> params) {
            return new AdamW(single(params), this);
        }

        public AdamW build(Collection<ParamGroup> groups) {
            return new AdamW(groups, this);
        }
    }
}
