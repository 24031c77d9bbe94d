package io.isthmus.optim;

import io.isthmus.tensor.Tensor;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * RMSprop with PyTorch's formulas ({@code torch.optim.RMSprop}):
 * <pre>
 *   g = g + weightDecay * p
 *   sq = alpha sq + (1 - alpha) g^2
 *   avg = sqrt(sq - ga^2) + eps, ga = alpha ga + (1 - alpha) g   (centered)
 *   avg = sqrt(sq) + eps                                         (otherwise)
 *   buf = momentum buf + g / avg, p = p - lr * buf               (momentum > 0)
 *   p = p - lr * g / avg                                         (otherwise)
 * </pre>
 * Buffers start at zero. Defaults: alpha 0.99, eps 1e-8, no weight decay, momentum 0, not centered.
 */
public final class RMSprop extends Optimizer {

    private static final String SQUARE_AVG = "square_avg";
    private static final String MOMENTUM_BUFFER = "momentum_buffer";
    private static final String GRAD_AVG = "grad_avg";

    private static final int ALPHA = 0;
    private static final int EPS = 1;
    private static final int WEIGHT_DECAY = 2;
    private static final int MOMENTUM = 3;
    private static final int CENTERED = 4;

    /** PyTorch's defaults with the given learning rate. */
    public RMSprop(List<Tensor> params, double lr) {
        this(single(params), builder(lr));
    }

    /** Parameter groups; what a group does not set is PyTorch's default (lr: the given one). */
    public RMSprop(Collection<ParamGroup> groups, double lr) {
        this(groups, builder(lr));
    }

    private RMSprop(Collection<ParamGroup> groups, Builder o) {
        super("rmsprop", groups, o.lr, o.defaults());
    }

    public static Builder builder(double lr) {
        return new Builder(lr);
    }

    @Override
    protected void checkHyperparameters(float[] h) {
        require(h[ALPHA] >= 0 && h[ALPHA] <= 1, "alpha", h[ALPHA], "in [0, 1]");
        require(h[EPS] >= 0 && h[EPS] < Float.POSITIVE_INFINITY, "eps", h[EPS], "finite and >= 0");
        require(h[WEIGHT_DECAY] >= 0 && h[WEIGHT_DECAY] < Float.POSITIVE_INFINITY, "weight_decay", h[WEIGHT_DECAY],
                "finite and >= 0");
        require(h[MOMENTUM] >= 0 && h[MOMENTUM] < Float.POSITIVE_INFINITY, "momentum", h[MOMENTUM], "finite and >= 0");
        require(h[CENTERED] == 0f || h[CENTERED] == 1f, "centered", h[CENTERED], "0 or 1");
    }

    @Override
    protected void update(float[] param, float[] grad, ParamState state, float lr, float[] h) {
        int n = param.length;
        float alpha = h[ALPHA];
        float eps = h[EPS];
        float weightDecay = h[WEIGHT_DECAY];
        float momentum = h[MOMENTUM];
        boolean centered = h[CENTERED] != 0f;
        float[] squareAvg = state.zeroBuffer(SQUARE_AVG, n);
        float[] gradAvg = centered ? state.zeroBuffer(GRAD_AVG, n) : null;
        float[] buffer = momentum > 0 ? state.zeroBuffer(MOMENTUM_BUFFER, n) : null;
        // One pass per element: the fused form of PyTorch's sequence of tensor ops, same float32 arithmetic.
        for (int i = 0; i < n; i++) {
            float g = grad[i] + weightDecay * param[i];
            float sq = alpha * squareAvg[i] + (1f - alpha) * g * g;
            squareAvg[i] = sq;
            float avg;
            if (centered) {
                float ga = alpha * gradAvg[i] + (1f - alpha) * g;
                gradAvg[i] = ga;
                avg = (float) Math.sqrt(sq - ga * ga) + eps;
            } else {
                avg = (float) Math.sqrt(sq) + eps;
            }
            if (buffer != null) {
                float b = momentum * buffer[i] + g / avg;
                buffer[i] = b;
                param[i] -= lr * b;
            } else {
                param[i] -= lr * (g / avg);
            }
        }
    }

    @Override
    protected Set<String> bufferNames() {
        return Set.of(SQUARE_AVG, MOMENTUM_BUFFER, GRAD_AVG);
    }

    /** Group 0's (see {@link Optimizer}). */
    public float alpha() {
        return hyperparameter(ALPHA);
    }

    /** Group 0's. */
    public float eps() {
        return hyperparameter(EPS);
    }

    /** Group 0's. */
    public float weightDecay() {
        return hyperparameter(WEIGHT_DECAY);
    }

    /** Group 0's. */
    public float momentum() {
        return hyperparameter(MOMENTUM);
    }

    /** Group 0's. */
    public boolean centered() {
        return hyperparameter(CENTERED) != 0f;
    }

    /** RMSprop's options, starting from PyTorch's defaults (for groups, the values of settings a group leaves unset); {@link #build} checks them. */
    public static final class Builder {
        private final double lr;
        private double alpha = 0.99;
        private double eps = 1e-8;
        private double weightDecay;
        private double momentum;
        private boolean centered;

        private Builder(double lr) {
            this.lr = lr;
        }

        /** Decay rate of the running mean of squared gradients. */
        public Builder alpha(double value) {
            alpha = value;
            return this;
        }

        public Builder eps(double value) {
            eps = value;
            return this;
        }

        public Builder weightDecay(double value) {
            weightDecay = value;
            return this;
        }

        public Builder momentum(double value) {
            momentum = value;
            return this;
        }

        /** Normalize by the estimated variance (mean of squares minus square of the mean). */
        public Builder centered(boolean value) {
            centered = value;
            return this;
        }

        public RMSprop build(List<Tensor> params) {
            return new RMSprop(single(params), this);
        }

        public RMSprop build(Collection<ParamGroup> groups) {
            return new RMSprop(groups, this);
        }

        /** The state dict's order. */
        private Map<String, Double> defaults() {
            Map<String, Double> values = new LinkedHashMap<>();
            values.put("alpha", alpha);
            values.put("eps", eps);
            values.put("weight_decay", weightDecay);
            values.put("momentum", momentum);
            values.put("centered", centered ? 1.0 : 0.0);
            return values;
        }
    }
}
