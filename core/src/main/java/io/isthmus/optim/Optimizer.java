package io.isthmus.optim;

import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Updates a fixed set of parameters from their gradients, as PyTorch's {@code torch.optim}
 * optimizers do, in one or more parameter groups ({@link ParamGroup}) that each have their own
 * learning rate and hyperparameters.
 *
 * <p>Parameters are leaf tensors (usually requiring grad), each in one group; {@link #step()}
 * skips those whose gradient is null, and keeps per-parameter state ({@link ParamState})
 * created at a parameter's first step. Parameters are numbered across groups in order (group
 * 0's first), for {@link #parameters()}, {@link #state(int)} and the state dict. Updates run in
 * float32 with float32 hyperparameters (the learning rate is rounded to float32 when applied),
 * so a {@linkplain #stateDict() state dict}, float32 as well, restores everything an update
 * reads and training resumes bit for bit.
 *
 * <p>With several groups, {@link #setLr(double)} sets every group's rate (as assigning
 * {@code g['lr']} for each group in PyTorch), {@link #lr()} and the hyperparameter getters of
 * the subclasses return group 0's value (PyTorch code reads {@code param_groups[0]['lr']});
 * {@link #lr(int)}, {@link #setLr(int, double)} and {@link #groups()} address each group.
 */
public abstract class Optimizer {

    private final String name;
    private final List<String> hyperNames;
    private final List<Tensor> params;
    private final List<Group> groups;
    private ParamState[] states;
    /** The group whose settings are being checked, for messages; -1 when none. */
    private int checking = -1;

    /** One group. name: for messages ("sgd", "adam", ...); params: distinct leaf tensors; defaults: see below. */
    protected Optimizer(String name, List<Tensor> params, double lr, Map<String, Double> defaults) {
        this(name, single(params), lr, defaults);
    }

    /** A plain parameter list as one group. */
    static List<ParamGroup> single(List<Tensor> params) {
        return params == null ? List.of() : List.of(ParamGroup.of(params));
    }

    /**
     * groups: each group's parameters and the settings it overrides; lr and defaults (the
     * hyperparameters other than the learning rate, in the order the state dict lists them,
     * booleans as 0 or 1): the values of settings a group leaves unset.
     */
    protected Optimizer(String name, Collection<ParamGroup> groups, double lr, Map<String, Double> defaults) {
        this.name = name;
        this.hyperNames = List.copyOf(defaults.keySet());
        List<ParamGroup> specs = groups == null ? List.of() : new ArrayList<>(groups);
        this.groups = new ArrayList<>();
        this.params = collectParameters(specs);
        int start = 0;
        for (ParamGroup spec : specs) {
            this.groups.add(new Group(start, spec.parameters(), hyperNames));
            start += spec.parameters().size();
        }
        for (int g = 0; g < specs.size(); g++) {
            ParamGroup spec = specs.get(g);
            float[] values = new float[hyperNames.size()];
            for (int k = 0; k < values.length; k++) {
                values[k] = (float) defaults.get(hyperNames.get(k)).doubleValue();
            }
            for (Map.Entry<String, Double> setting : spec.settings().entrySet()) {
                int k = hyperNames.indexOf(setting.getKey());
                if (k < 0) {
                    throw new IllegalArgumentException(name + ": parameter group " + g + " sets " + setting.getKey()
                            + ", which " + name + " does not have (it has lr, " + String.join(", ", hyperNames) + ")");
                }
                values[k] = (float) setting.getValue().doubleValue();
            }
            setGroup(g, spec.lr() == null ? lr : spec.lr(), values);
        }
        this.states = new ParamState[params.size()];
    }

    private List<Tensor> collectParameters(List<ParamGroup> specs) {
        int total = 0;
        for (int g = 0; g < specs.size(); g++) {
            if (specs.get(g) == null) {
                throw new IllegalArgumentException(name + ": parameter group " + g + " is null");
            }
            total += specs.get(g).parameters().size();
        }
        if (total == 0 && specs.size() <= 1) {
            throw new IllegalArgumentException(name + ": got an empty parameter list");
        }
        Map<Tensor, Integer> groupOf = new IdentityHashMap<>();
        List<Tensor> all = new ArrayList<>();
        for (int g = 0; g < specs.size(); g++) {
            List<Tensor> list = specs.get(g).parameters();
            if (list.isEmpty()) {
                throw new IllegalArgumentException(name + ": parameter group " + g + " is empty");
            }
            for (int i = 0; i < list.size(); i++) {
                Tensor p = list.get(i);
                String where = specs.size() == 1 ? "parameter " + i : "parameter " + i + " of group " + g;
                if (p == null) {
                    throw new IllegalArgumentException(name + ": " + where + " is null");
                }
                if (!p.isLeaf()) {
                    throw new IllegalArgumentException(name + ": " + where + " " + Shape.str(p.shape())
                            + " is not a leaf (it was computed by " + p.node().op() + "); optimize the tensor it came from");
                }
                Integer earlier = groupOf.putIfAbsent(p, g);
                if (earlier != null && earlier == g) {
                    throw new IllegalArgumentException(name + ": " + where + " " + Shape.str(p.shape())
                            + " appears more than once in the list (it would be updated twice per step)");
                }
                if (earlier != null) {
                    throw new IllegalArgumentException(name + ": " + where + " " + Shape.str(p.shape())
                            + " is also in group " + earlier + " (a parameter belongs to one group only)");
                }
                all.add(p);
            }
        }
        return List.copyOf(all);
    }

    /** Checks a group's rate and hyperparameters, then sets them. */
    private void setGroup(int g, double lr, float[] values) {
        checkGroup(g, lr, values);
        Group group = groups.get(g);
        group.lr = lr;
        group.values = values;
    }

    private void checkGroup(int g, double lr, float[] values) {
        checking = g;
        try {
            require(lr >= 0 && !Double.isInfinite(lr), "learning rate must be finite and >= 0, got " + lr);
            checkHyperparameters(values);
        } finally {
            checking = -1;
        }
    }

    /** Updates every parameter that has a gradient, in place. */
    public final void step() {
        for (Group group : groups) {
            float lr = (float) group.lr;
            for (int i = group.start; i < group.end(); i++) {
                Tensor p = params.get(i);
                float[] grad = p.grad();
                if (grad == null) {
                    continue;
                }
                if (states[i] == null) {
                    states[i] = new ParamState();
                }
                ParamState state = states[i];
                state.setStep(state.step() + 1);
                update(p.data(), grad, state, lr, group.values);
            }
        }
    }

    /**
     * One parameter's update, in place; must not modify {@code grad} or {@code hyper}.
     * param, grad: the parameter's size; state: its state, the current step already counted;
     * lr and hyper: its group's, hyper in the order of the constructor's defaults.
     */
    protected abstract void update(float[] param, float[] grad, ParamState state, float lr, float[] hyper);

    /**
     * Checks one group's hyperparameters (in the order of the constructor's defaults) with
     * {@link #require}; must not read the subclass's fields (it runs in the constructor).
     */
    protected abstract void checkHyperparameters(float[] hyper);

    /** Names of the per-parameter buffers this optimizer may keep. */
    protected abstract Set<String> bufferNames();

    /** Drops every parameter's gradient (PyTorch's {@code zero_grad(set_to_none=True)}). */
    public void zeroGrad() {
        zeroGrad(true);
    }

    /** setToNone: drop the gradients (the next step skips parameters that get none); else fill them with zeros. */
    public void zeroGrad(boolean setToNone) {
        for (Tensor p : params) {
            if (setToNone) {
                p.clearGrad();
            } else {
                p.zeroGrad();
            }
        }
    }

    /** Group 0's learning rate (the only one with one group). */
    public double lr() {
        return groups.getFirst().lr;
    }

    public double lr(int group) {
        return groups.get(group).lr;
    }

    /** Sets every group's learning rate (schedules set each group's with {@link #setLr(int, double)}); >= 0. */
    public void setLr(double lr) {
        checkLr(-1, lr);
        for (Group group : groups) {
            group.lr = lr;
        }
    }

    public void setLr(int group, double lr) {
        checkLr(group, lr);
        groups.get(group).lr = lr;
    }

    private void checkLr(int g, double lr) {
        checking = g;
        try {
            require(lr >= 0 && !Double.isInfinite(lr), "learning rate must be finite and >= 0, got " + lr);
        } finally {
            checking = -1;
        }
    }

    /** Group 0's value of hyperparameter {@code index} (the constructor's order), for the subclasses' getters. */
    protected final float hyperparameter(int index) {
        return groups.getFirst().values[index];
    }

    /** Every parameter, group 0's first. */
    public List<Tensor> parameters() {
        return params;
    }

    public List<Group> groups() {
        return Collections.unmodifiableList(groups);
    }

    /** The state of parameter {@code index} (numbered across groups), or null before its first step. */
    public ParamState state(int index) {
        return states[index];
    }

    /**
     * A copy of the optimizer's state: its groups' settings as one-element tensors, then per
     * parameter i that has taken a step, {@code state.<i>.step} (one element; exact up to 2^24
     * steps, float32 as in PyTorch) and {@code state.<i>.<buffer>} (the parameter's shape).
     * With one group the settings are {@code hyper.lr} and {@code hyper.<name>}; with several,
     * {@code group.<g>.size} (its number of parameters), {@code group.<g>.lr} and
     * {@code group.<g>.<name>} for each group g.
     */
    public Map<String, Tensor> stateDict() {
        return OptimizerState.save(this);
    }

    /**
     * Restores a {@link #stateDict()} of the same kind of optimizer over parameters of the same
     * shapes in groups of the same sizes (the data is copied). Replaces all state and every
     * group's settings; on any bad entry throws naming it and changes nothing.
     */
    public void loadStateDict(Map<String, Tensor> dict) {
        OptimizerState.Loaded loaded = OptimizerState.load(this, dict);
        for (int g = 0; g < groups.size(); g++) {
            checkGroup(g, loaded.lrs()[g], loaded.values()[g]);
        }
        for (int g = 0; g < groups.size(); g++) {
            groups.get(g).lr = loaded.lrs()[g];
            groups.get(g).values = loaded.values()[g];
        }
        this.states = loaded.states();
    }

    String name() {
        return name;
    }

    List<String> hyperNames() {
        return hyperNames;
    }

    ParamState[] states() {
        return states;
    }

    /** Throws naming the optimizer, the group (when there are several), the hyperparameter and its value unless {@code ok}. */
    protected final void require(boolean ok, String hyperparameter, double value, String rule) {
        require(ok, hyperparameter + " must be " + rule + ", got " + value);
    }

    /** Throws {@code message} after the optimizer's name (and the group's, when there are several) unless {@code ok}. */
    protected final void require(boolean ok, String message) {
        if (!ok) {
            String where = checking >= 0 && groups.size() > 1 ? name + ": parameter group " + checking : name;
            throw new IllegalArgumentException(where + ": " + message);
        }
    }

    /**
     * One parameter group as the optimizer runs it: its parameters, learning rate and
     * hyperparameters (PyTorch's {@code param_groups[g]}). Change its rate through the optimizer.
     */
    public static final class Group {
        private final int start;
        private final List<Tensor> params;
        private final List<String> names;
        private double lr;
        private float[] values;

        private Group(int start, List<Tensor> params, List<String> names) {
            this.start = start;
            this.params = params;
            this.names = names;
        }

        private int end() {
            return start + params.size();
        }

        /** The index of its first parameter in {@link Optimizer#parameters()}. */
        public int start() {
            return start;
        }

        public List<Tensor> parameters() {
            return params;
        }

        public double lr() {
            return lr;
        }

        /** Hyperparameters other than the learning rate, in the optimizer's order (booleans as 0 or 1). */
        public Map<String, Float> hyperparameters() {
            Map<String, Float> map = new LinkedHashMap<>();
            for (int k = 0; k < names.size(); k++) {
                map.put(names.get(k), values[k]);
            }
            return map;
        }
    }
}
