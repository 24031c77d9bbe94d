package io.isthmus.optim;

import io.isthmus.tensor.Tensor;

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

    private float alpha;
    private float eps;
    private float weightDecay;
    private float momentum;
    private boolean centered;

    /** PyTorch's defaults with the given learning rate. */
    public RMSprop(List<Tensor> params, double lr) {
        this(params, builder(lr));
    }

    private RMSprop(List<Tensor> params, Builder o) {
        super("rmsprop", params, o.lr);
        set((float) o.alpha, (float) o.eps, (float) o.weightDecay, (float) o.momentum, o.centered);
    }

    public static Builder builder(double lr) {
        return new Builder(lr);
    }

    private void set(float alpha, float eps, float weightDecay, float momentum, boolean centered) {
        require(alpha >= 0 && alpha <= 1, "alpha", alpha, "in [0, 1]");
        require(eps >= 0 && eps < Float.POSITIVE_INFINITY, "eps", eps, "finite and >= 0");
        require(weightDecay >= 0 && weightDecay < Float.POSITIVE_INFINITY, "weight_decay", weightDecay, "finite and >= 0");
        require(momentum >= 0 && momentum < Float.POSITIVE_INFINITY, "momentum", momentum, "finite and >= 0");
        this.alpha = alpha;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.momentum = momentum;
        this.centered = centered;
    }

    @Override
    protected void update(float[] param, float[] grad, ParamState state) {
        int n = param.length;
        float lr = lrFloat();
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
    protected Map<String, Float> hyperparameters() {
        Map<String, Float> values = new LinkedHashMap<>();
        values.put("alpha", alpha);
        values.put("eps", eps);
        values.put("weight_decay", weightDecay);
        values.put("momentum", momentum);
        values.put("centered", centered ? 1f : 0f);
        return values;
    }

    @Override
    protected void setHyperparameters(Map<String, Float> values) {
        float flag = values.get("centered");
        require(flag == 0f || flag == 1f, "centered", flag, "0 or 1");
        set(values.get("alpha"), values.get("eps"), values.get("weight_decay"), values.get("momentum"), flag == 1f);
    }

    @Override
    protected Set<String> bufferNames() {
        return Set.of(SQUARE_AVG, MOMENTUM_BUFFER, GRAD_AVG);
    }

    public float alpha() {
        return alpha;
    }

    public float eps() {
        return eps;
    }

    public float weightDecay() {
        return weightDecay;
    }

    public float momentum() {
        return momentum;
    }

    public boolean centered() {
        return centered;
    }

    /** RMSprop's options, starting from PyTorch's defaults; {@link #build} checks them. */
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
            return new RMSprop(params, this);
        }
    }
}
