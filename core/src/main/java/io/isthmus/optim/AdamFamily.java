package io.isthmus.optim;

import io.isthmus.kernels.Kernels;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What Adam and AdamW share: moment estimates {@code exp_avg} and {@code exp_avg_sq} per
 * parameter, bias correction by the parameter's own step count, and the fused kernel
 * {@code adamUpdate}. They differ only in how weight decay enters (L2 in the gradient, or
 * decoupled). Betas, eps and weight decay may differ per parameter group.
 */
abstract sealed class AdamFamily extends Optimizer permits Adam, AdamW {

    private static final String EXP_AVG = "exp_avg";
    private static final String EXP_AVG_SQ = "exp_avg_sq";
    private static final int BETA1 = 0;
    private static final int BETA2 = 1;
    private static final int EPS = 2;
    private static final int WEIGHT_DECAY = 3;

    private final boolean decoupled;

    AdamFamily(String name, Collection<ParamGroup> groups, Options<?> o, boolean decoupled) {
        super(name, groups, o.lr, o.defaults());
        this.decoupled = decoupled;
    }

    @Override
    protected void checkHyperparameters(float[] h) {
        require(h[BETA1] >= 0 && h[BETA1] < 1, "beta1", h[BETA1], "in [0, 1)");
        require(h[BETA2] >= 0 && h[BETA2] < 1, "beta2", h[BETA2], "in [0, 1)");
        require(h[EPS] >= 0 && h[EPS] < Float.POSITIVE_INFINITY, "eps", h[EPS], "finite and >= 0");
        require(h[WEIGHT_DECAY] >= 0 && h[WEIGHT_DECAY] < Float.POSITIVE_INFINITY, "weight_decay", h[WEIGHT_DECAY],
                "finite and >= 0");
    }

    @Override
    protected void update(float[] param, float[] grad, ParamState state, float lr, float[] h) {
        float[] m = state.zeroBuffer(EXP_AVG, param.length);
        float[] v = state.zeroBuffer(EXP_AVG_SQ, param.length);
        Kernels.elementwise().adamUpdate(param, grad, m, v, 0, param.length, lr, h[BETA1], h[BETA2], h[EPS],
                h[WEIGHT_DECAY], decoupled, state.step());
    }

    @Override
    protected Set<String> bufferNames() {
        return Set.of(EXP_AVG, EXP_AVG_SQ);
    }

    /** Group 0's (see {@link Optimizer}). */
    public float beta1() {
        return hyperparameter(BETA1);
    }

    /** Group 0's. */
    public float beta2() {
        return hyperparameter(BETA2);
    }

    /** Group 0's. */
    public float eps() {
        return hyperparameter(EPS);
    }

    /** Group 0's. */
    public float weightDecay() {
        return hyperparameter(WEIGHT_DECAY);
    }

    /** The options Adam and AdamW share, the defaults of groups that do not set their own; checked when built. */
    @SuppressWarnings("unchecked")
    abstract static class Options<B extends Options<B>> {
        final double lr;
        double beta1 = 0.9;
        double beta2 = 0.999;
        double eps = 1e-8;
        double weightDecay;

        Options(double lr, double weightDecay) {
            this.lr = lr;
            this.weightDecay = weightDecay;
        }

        /** Decay rates of the first and second moment estimates, each in [0, 1). */
        public B betas(double first, double second) {
            beta1 = first;
            beta2 = second;
            return (B) this;
        }

        /** Added to the denominator for stability. */
        public B eps(double value) {
            eps = value;
            return (B) this;
        }

        public B weightDecay(double value) {
            weightDecay = value;
            return (B) this;
        }

        /** The state dict's order. */
        Map<String, Double> defaults() {
            Map<String, Double> values = new LinkedHashMap<>();
            values.put("beta1", beta1);
            values.put("beta2", beta2);
            values.put("eps", eps);
            values.put("weight_decay", weightDecay);
            return values;
        }
    }
}
