package io.isthmus.optim;

import io.isthmus.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parameters that share hyperparameters, as an entry of PyTorch's {@code param_groups}: a
 * setting made here overrides the optimizer's for these parameters only; anything not set
 * comes from the optimizer (its constructor's or builder's values). Immutable: each setter
 * returns a new group.
 *
 * <pre>{@code
 * new AdamW(List.of(ParamGroup.of(weights), ParamGroup.of(biases).weightDecay(0)), 1e-3);
 * }</pre>
 *
 * A setting the optimizer does not have (e.g. {@code momentum} for Adam) fails when the
 * optimizer is built, as do values out of range.
 */
public final class ParamGroup {

    private final List<Tensor> params;
    private final Double lr;
    private final Map<String, Double> settings;

    private ParamGroup(List<Tensor> params, Double lr, Map<String, Double> settings) {
        this.params = params;
        this.lr = lr;
        this.settings = settings;
    }

    /** A group of these parameters with the optimizer's settings. */
    public static ParamGroup of(Collection<? extends Tensor> params) {
        // nulls pass here so that the optimizer names the offending position
        return new ParamGroup(Collections.unmodifiableList(new ArrayList<>(params)), null, Map.of());
    }

    /**
     * Splits a module's named parameters ({@code Module.namedParameters()}) into a group with
     * the optimizer's weight decay and one without ({@code weightDecay(0)}), in that order, as
     * is common PyTorch / Hugging Face practice: biases and every parameter with at most one
     * dimension (norm weights and biases, scalars) get no decay; see {@link #isNoDecay}.
     * Frozen parameters ({@code requiresGrad() == false}) are left out, and an empty group is
     * not returned.
     */
    public static List<ParamGroup> decayAndNoDecay(Map<String, Tensor> namedParameters) {
        List<Tensor> decay = new ArrayList<>();
        List<Tensor> noDecay = new ArrayList<>();
        namedParameters.forEach((name, p) -> {
            if (p.requiresGrad()) {
                (isNoDecay(name, p) ? noDecay : decay).add(p);
            }
        });
        List<ParamGroup> groups = new ArrayList<>();
        if (!decay.isEmpty()) {
            groups.add(of(decay));
        }
        if (!noDecay.isEmpty()) {
            groups.add(of(noDecay).weightDecay(0));
        }
        return List.copyOf(groups);
    }

    /** True for a bias (name {@code bias} or ending in {@code .bias}) or a parameter of at most one dimension. */
    public static boolean isNoDecay(String name, Tensor param) {
        return name.equals("bias") || name.endsWith(".bias") || param.shape().length <= 1;
    }

    public List<Tensor> parameters() {
        return params;
    }

    /** This group's learning rate, or null to take the optimizer's. */
    public Double lr() {
        return lr;
    }

    /** Settings other than the learning rate, by the optimizer's names (booleans as 0 or 1). */
    public Map<String, Double> settings() {
        return settings;
    }

    public ParamGroup lr(double value) {
        return new ParamGroup(params, value, settings);
    }

    public ParamGroup weightDecay(double value) {
        return with("weight_decay", value);
    }

    /** SGD and RMSprop. */
    public ParamGroup momentum(double value) {
        return with("momentum", value);
    }

    /** SGD. */
    public ParamGroup dampening(double value) {
        return with("dampening", value);
    }

    /** SGD. */
    public ParamGroup nesterov(boolean value) {
        return with("nesterov", value ? 1 : 0);
    }

    /** Adam and AdamW. */
    public ParamGroup betas(double first, double second) {
        return with("beta1", first).with("beta2", second);
    }

    /** Adam, AdamW and RMSprop. */
    public ParamGroup eps(double value) {
        return with("eps", value);
    }

    /** RMSprop. */
    public ParamGroup alpha(double value) {
        return with("alpha", value);
    }

    /** RMSprop. */
    public ParamGroup centered(boolean value) {
        return with("centered", value ? 1 : 0);
    }

    private ParamGroup with(String name, double value) {
        Map<String, Double> copy = new LinkedHashMap<>(settings);
        copy.put(name, value);
        return new ParamGroup(params, lr, Collections.unmodifiableMap(copy));
    }
}
