package io.isthmus.optim;

import io.isthmus.kernels.Kernels;
import io.isthmus.kernels.elementwise.Elementwise;
import io.isthmus.tensor.Tensor;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Stochastic gradient descent with PyTorch's formulas ({@code torch.optim.SGD}):
 * <pre>
 *   d = g + weightDecay * p
 *   buf = d                                    (first step)
 *   buf = momentum * buf + (1 - dampening) * d (later steps)
 *   d = nesterov ? d + momentum * buf : buf    (when momentum != 0)
 *   p = p - lr * d
 * </pre>
 */
public final class SGD extends Optimizer {

    private static final String MOMENTUM_BUFFER = "momentum_buffer";

    private static final int MOMENTUM = 0;
    private static final int DAMPENING = 1;
    private static final int WEIGHT_DECAY = 2;
    private static final int NESTEROV = 3;

    /** Plain SGD: no momentum, no weight decay. */
    public SGD(List<Tensor> params, double lr) {
        this(single(params), builder(lr));
    }

    /** Parameter groups; what a group does not set is PyTorch's default (lr: the given one). */
    public SGD(Collection<ParamGroup> groups, double lr) {
        this(groups, builder(lr));
    }

    private SGD(Collection<ParamGroup> groups, Builder o) {
        super("sgd", groups, o.lr, o.defaults());
    }

    /** Options with PyTorch's defaults (momentum 0, dampening 0, weight decay 0, no Nesterov). */
    public static Builder builder(double lr) {
        return new Builder(lr);
    }

    @Override
    protected void checkHyperparameters(float[] h) {
        require(h[MOMENTUM] >= 0, "momentum", h[MOMENTUM], ">= 0");
        require(h[DAMPENING] >= 0 && h[DAMPENING] <= 1, "dampening", h[DAMPENING], "in [0, 1]");
        require(h[WEIGHT_DECAY] >= 0, "weight_decay", h[WEIGHT_DECAY], ">= 0");
        require(h[NESTEROV] == 0f || h[NESTEROV] == 1f, "nesterov", h[NESTEROV], "0 or 1");
        require(h[NESTEROV] == 0f || h[MOMENTUM] > 0 && h[DAMPENING] == 0, "Nesterov momentum needs momentum > 0 and "
                + "dampening 0, got momentum " + h[MOMENTUM] + ", dampening " + h[DAMPENING]);
    }

    @Override
    protected void update(float[] param, float[] grad, ParamState state, float lr, float[] h) {
        Elementwise k = Kernels.elementwise();
        int n = param.length;
        float momentum = h[MOMENTUM];
        float weightDecay = h[WEIGHT_DECAY];
        float[] d = grad;
        if (weightDecay != 0) {
            d = grad.clone();
            k.axpy(weightDecay, param, 0, d, 0, n);
        }
        if (momentum != 0) {
            float[] buffer = state.buffer(MOMENTUM_BUFFER);
            if (buffer == null) {
                buffer = d.clone();
                state.putBuffer(MOMENTUM_BUFFER, buffer);
            } else {
                k.scale(momentum, buffer, 0, buffer, 0, n);
                k.axpy(1f - h[DAMPENING], d, 0, buffer, 0, n);
            }
            if (h[NESTEROV] != 0f) {
                if (d == grad) {
                    d = grad.clone();
                }
                k.axpy(momentum, buffer, 0, d, 0, n);
            } else {
                d = buffer;
            }
        }
        k.axpy(-lr, d, 0, param, 0, n);
    }

    @Override
    protected Set<String> bufferNames() {
        return Set.of(MOMENTUM_BUFFER);
    }

    /** Group 0's (see {@link Optimizer}). */
    public float momentum() {
        return hyperparameter(MOMENTUM);
    }

    /** Group 0's. */
    public float dampening() {
        return hyperparameter(DAMPENING);
    }

    /** Group 0's. */
    public float weightDecay() {
        return hyperparameter(WEIGHT_DECAY);
    }

    /** Group 0's. */
    public boolean nesterov() {
        return hyperparameter(NESTEROV) != 0f;
    }

    /** SGD's options, for groups the values of settings a group leaves unset; {@link #build} checks them. */
    public static final class Builder {
        private final double lr;
        private double momentum;
        private double dampening;
        private double weightDecay;
        private boolean nesterov;

        private Builder(double lr) {
            this.lr = lr;
        }

        public Builder momentum(double value) {
            momentum = value;
            return this;
        }

        public Builder dampening(double value) {
            dampening = value;
            return this;
        }

        public Builder weightDecay(double value) {
            weightDecay = value;
            return this;
        }

        public Builder nesterov(boolean value) {
            nesterov = value;
            return this;
        }

        public SGD build(List<Tensor> params) {
            return new SGD(single(params), this);
        }

        public SGD build(Collection<ParamGroup> groups) {
            return new SGD(groups, this);
        }

        /** The state dict's order. */
        private Map<String, Double> defaults() {
            Map<String, Double> values = new LinkedHashMap<>();
            values.put("momentum", momentum);
            values.put("dampening", dampening);
            values.put("weight_decay", weightDecay);
            values.put("nesterov", nesterov ? 1.0 : 0.0);
            return values;
        }
    }
}
