package io.isthmus.optim;

import io.isthmus.kernels.Kernels;
import io.isthmus.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What Adam and AdamW share: moment estimates {@code exp_avg} and {@code exp_avg_sq} per
 * parameter, bias correction by the parameter's own step count, and the fused kernel
 * {@code adamUpdate}. They differ only in how weight decay enters (L2 in the gradient, or
 * decoupled).
 */
abstract sealed class AdamFamily extends Optimizer permits Adam, AdamW {

    private static final String EXP_AVG = "exp_avg";
    private static final String EXP_AVG_SQ = "exp_avg_sq";

    private final boolean decoupled;
    private float beta1;
    private float beta2;
    private float eps;
    private float weightDecay;

    AdamFamily(String name, List<Tensor> params, double lr, double beta1, double beta2, double eps, double weightDecay,
               boolean decoupled) {
        super(name, params, lr);
        this.decoupled = decoupled;
        set((float) beta1, (float) beta2, (float) eps, (float) weightDecay);
    }

    private void set(float beta1, float beta2, float eps, float weightDecay) {
        require(beta1 >= 0 && beta1 < 1, "beta1", beta1, "in [0, 1)");
        require(beta2 >= 0 && beta2 < 1, "beta2", beta2, "in [0, 1)");
        require(eps >= 0 && eps < Float.POSITIVE_INFINITY, "eps", eps, "finite and >= 0");
        require(weightDecay >= 0 && weightDecay < Float.POSITIVE_INFINITY, "weight_decay", weightDecay, "finite and >= 0");
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    @Override
    protected void update(float[] param, float[] grad, ParamState state) {
        float[] m = state.zeroBuffer(EXP_AVG, param.length);
        float[] v = state.zeroBuffer(EXP_AVG_SQ, param.length);
        Kernels.elementwise().adamUpdate(param, grad, m, v, 0, param.length, lrFloat(), beta1, beta2, eps, weightDecay,
                decoupled, state.step());
    }

    @Override
    protected Map<String, Float> hyperparameters() {
        Map<String, Float> values = new LinkedHashMap<>();
        values.put("beta1", beta1);
        values.put("beta2", beta2);
        values.put("eps", eps);
        values.put("weight_decay", weightDecay);
        return values;
    }

    @Override
    protected void setHyperparameters(Map<String, Float> values) {
        set(values.get("beta1"), values.get("beta2"), values.get("eps"), values.get("weight_decay"));
    }

    @Override
    protected Set<String> bufferNames() {
        return Set.of(EXP_AVG, EXP_AVG_SQ);
    }

    public float beta1() {
        return beta1;
    }

    public float beta2() {
        return beta2;
    }

    public float eps() {
        return eps;
    }

    public float weightDecay() {
        return weightDecay;
    }

    /** The options Adam and AdamW share; {@code build} checks them. */
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
    }
}
