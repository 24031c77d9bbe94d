package io.isthmus.optim;

import io.isthmus.kernels.Kernels;
import io.isthmus.kernels.elementwise.Elementwise;
import io.isthmus.tensor.Tensor;

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

    private float momentum;
    private float dampening;
    private float weightDecay;
    private boolean nesterov;

    /** Plain SGD: no momentum, no weight decay. */
    public SGD(List<Tensor> params, double lr) {
        this(params, lr, 0, 0, 0, false);
    }

    private SGD(List<Tensor> params, double lr, double momentum, double dampening, double weightDecay, boolean nesterov) {
        super("sgd", params, lr);
        set((float) momentum, (float) dampening, (float) weightDecay, nesterov);
    }

    /** Options with PyTorch's defaults (momentum 0, dampening 0, weight decay 0, no Nesterov). */
    public static Builder builder(double lr) {
        return new Builder(lr);
    }

    private void set(float momentum, float dampening, float weightDecay, boolean nesterov) {
        require(momentum >= 0, "momentum", momentum, ">= 0");
        require(dampening >= 0 && dampening <= 1, "dampening", dampening, "in [0, 1]");
        require(weightDecay >= 0, "weight_decay", weightDecay, ">= 0");
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("sgd: Nesterov momentum needs momentum > 0 and dampening 0, got momentum "
                    + momentum + ", dampening " + dampening);
        }
        this.momentum = momentum;
        this.dampening = dampening;
        this.weightDecay = weightDecay;
        this.nesterov = nesterov;
    }

    @Override
    protected void update(float[] param, float[] grad, ParamState state) {
        Elementwise k = Kernels.elementwise();
        int n = param.length;
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
                k.axpy(1f - dampening, d, 0, buffer, 0, n);
            }
            if (nesterov) {
                if (d == grad) {
                    d = grad.clone();
                }
                k.axpy(momentum, buffer, 0, d, 0, n);
            } else {
                d = buffer;
            }
        }
        k.axpy(-lrFloat(), d, 0, param, 0, n);
    }

    @Override
    protected Map<String, Float> hyperparameters() {
        Map<String, Float> values = new LinkedHashMap<>();
        values.put("momentum", momentum);
        values.put("dampening", dampening);
        values.put("weight_decay", weightDecay);
        values.put("nesterov", nesterov ? 1f : 0f);
        return values;
    }

    @Override
    protected void setHyperparameters(Map<String, Float> values) {
        float flag = values.get("nesterov");
        require(flag == 0f || flag == 1f, "nesterov", flag, "0 or 1");
        set(values.get("momentum"), values.get("dampening"), values.get("weight_decay"), flag == 1f);
    }

    @Override
    protected Set<String> bufferNames() {
        return Set.of(MOMENTUM_BUFFER);
    }

    public float momentum() {
        return momentum;
    }

    public float dampening() {
        return dampening;
    }

    public float weightDecay() {
        return weightDecay;
    }

    public boolean nesterov() {
        return nesterov;
    }

    /** SGD's options; {@link #build} checks them. */
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
            return new SGD(params, lr, momentum, dampening, weightDecay, nesterov);
        }
    }
}
