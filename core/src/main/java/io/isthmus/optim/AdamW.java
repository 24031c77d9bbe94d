package io.isthmus.optim;

import io.isthmus.tensor.Tensor;

import java.util.List;

/**
 * AdamW ({@code torch.optim.AdamW}): Adam with decoupled weight decay, the parameter first
 * shrunk by {@code p *= 1 - lr * wd}, then the Adam step on the raw gradient (see
 * {@link Adam}). Defaults: betas (0.9, 0.999), eps 1e-8, wd 0.01.
 */
public final class AdamW extends AdamFamily {

    /** PyTorch's defaults (weight decay 0.01) with the given learning rate. */
    public AdamW(List<Tensor> params, double lr) {
        this(params, builder(lr));
    }

    private AdamW(List<Tensor> params, Builder o) {
        super("adamw", params, o.lr, o.beta1, o.beta2, o.eps, o.weightDecay, true);
    }

    public static Builder builder(double lr) {
        return new Builder(lr);
    }

    /** AdamW's options, starting from PyTorch's defaults. */
    public static final class Builder extends AdamFamily.Options<Builder> {
        private Builder(double lr) {
            super(lr, 0.01);
        }

        public AdamW build(List<Tensor> params) {
            return new AdamW(params, this);
        }
    }
}
