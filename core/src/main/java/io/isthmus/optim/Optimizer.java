package io.isthmus.optim;

import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Updates a fixed list of parameters from their gradients, as PyTorch's {@code torch.optim}
 * optimizers do with one parameter group.
 *
 * <p>Parameters are leaf tensors (usually requiring grad); {@link #step()} skips those whose
 * gradient is null, and keeps per-parameter state ({@link ParamState}) created at a parameter's
 * first step. Updates run in float32 with float32 hyperparameters (the learning rate is
 * rounded to float32 when applied), so a {@linkplain #stateDict() state dict}, float32 as well,
 * restores everything an update reads and training resumes bit for bit.
 */
public abstract class Optimizer {

    private static final String HYPER = "hyper.";
    private static final String STATE = "state.";
    private static final String STEP = "step";

    private final String name;
    private final List<Tensor> params;
    private ParamState[] states;
    private double lr;

    /** name: for messages ("sgd", "adam", ...); params: distinct leaf tensors. */
    protected Optimizer(String name, List<Tensor> params, double lr) {
        this.name = name;
        if (params == null || params.isEmpty()) {
            throw new IllegalArgumentException(name + ": got an empty parameter list");
        }
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i);
            if (p == null) {
                throw new IllegalArgumentException(name + ": parameter " + i + " is null");
            }
            if (!p.isLeaf()) {
                throw new IllegalArgumentException(name + ": parameter " + i + " " + Shape.str(p.shape())
                        + " is not a leaf (it was computed by " + p.node().op() + "); optimize the tensor it came from");
            }
            if (!seen.add(p)) {
                throw new IllegalArgumentException(name + ": parameter " + i + " " + Shape.str(p.shape())
                        + " appears more than once in the list (it would be updated twice per step)");
            }
        }
        this.params = List.copyOf(params);
        this.states = new ParamState[params.size()];
        setLr(lr);
    }

    /** Updates every parameter that has a gradient, in place. */
    public final void step() {
        for (int i = 0; i < params.size(); i++) {
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
            update(p.data(), grad, state);
        }
    }

    /**
     * One parameter's update, in place; must not modify {@code grad}.
     * param, grad: the parameter's size; state: its state, the current step already counted.
     */
    protected abstract void update(float[] param, float[] grad, ParamState state);

    /** Hyperparameters other than the learning rate, in a fixed order (booleans as 0 or 1). */
    protected abstract Map<String, Float> hyperparameters();

    /**
     * Sets the hyperparameters from a state dict: the same names as {@link #hyperparameters()}.
     * Checks every value before changing any (throws naming the bad one).
     */
    protected abstract void setHyperparameters(Map<String, Float> values);

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

    public double lr() {
        return lr;
    }

    /** The learning rate of the next steps (schedules call this); >= 0. */
    public void setLr(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException(name + ": learning rate must be finite and >= 0, got " + lr);
        }
        this.lr = lr;
    }

    /** The learning rate as the updates use it. */
    protected final float lrFloat() {
        return (float) lr;
    }

    public List<Tensor> parameters() {
        return params;
    }

    /** The state of parameter {@code index}, or null before its first step. */
    public ParamState state(int index) {
        return states[index];
    }

    /**
     * A copy of the optimizer's state: {@code hyper.lr} and {@code hyper.<name>} (one-element
     * tensors), and per parameter i that has taken a step, {@code state.<i>.step} (one element;
     * exact up to 2^24 steps, float32 as in PyTorch) and {@code state.<i>.<buffer>} (the
     * parameter's shape).
     */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> dict = new LinkedHashMap<>();
        dict.put(HYPER + "lr", Tensor.scalar((float) lr));
        hyperparameters().forEach((key, value) -> dict.put(HYPER + key, Tensor.scalar(value)));
        for (int i = 0; i < states.length; i++) {
            if (states[i] == null) {
                continue;
            }
            dict.put(STATE + i + "." + STEP, Tensor.scalar(states[i].step()));
            int[] shape = params.get(i).shape();
            for (Map.Entry<String, float[]> buffer : states[i].buffers().entrySet()) {
                dict.put(STATE + i + "." + buffer.getKey(), Tensor.of(buffer.getValue().clone(), shape));
            }
        }
        return dict;
    }

    /**
     * Restores a {@link #stateDict()} of the same kind of optimizer over parameters of the same
     * shapes (the data is copied). Replaces all state and the hyperparameters; on any bad entry
     * throws naming it and changes nothing.
     */
    public void loadStateDict(Map<String, Tensor> dict) {
        Map<String, Float> hyper = new LinkedHashMap<>();
        ParamState[] loaded = new ParamState[params.size()];
        Set<String> unknown = new TreeSet<>();
        for (Map.Entry<String, Tensor> entry : dict.entrySet()) {
            String key = entry.getKey();
            Tensor value = entry.getValue();
            if (key.startsWith(HYPER)) {
                hyper.put(key.substring(HYPER.length()), scalar(key, value));
            } else if (key.startsWith(STATE) && key.indexOf('.', STATE.length()) > 0) {
                int dot = key.indexOf('.', STATE.length());
                int index = parameterIndex(key, key.substring(STATE.length(), dot));
                String field = key.substring(dot + 1);
                if (loaded[index] == null) {
                    loaded[index] = new ParamState();
                }
                if (field.equals(STEP)) {
                    loaded[index].setStep(stepCount(key, value));
                } else if (bufferNames().contains(field)) {
                    int[] shape = params.get(index).shape();
                    if (!Arrays.equals(value.shape(), shape)) {
                        throw new IllegalArgumentException(name + ": state dict entry " + key + " has shape "
                                + Shape.str(value.shape()) + " but parameter " + index + " has shape " + Shape.str(shape));
                    }
                    loaded[index].putBuffer(field, value.data().clone());
                } else {
                    unknown.add(key);
                }
            } else {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(name + ": state dict has entries this optimizer does not use: " + unknown
                    + " (expected hyper.<name> among hyper.lr, " + prefixed(hyperparameters().keySet())
                    + " and state.<i>.<name> among step, " + bufferNames() + ")");
        }
        for (int i = 0; i < loaded.length; i++) {
            if (loaded[i] != null && loaded[i].step() == 0) {
                throw new IllegalArgumentException(name + ": state dict has buffers for parameter " + i
                        + " but no state." + i + ".step");
            }
        }
        Set<String> expected = new TreeSet<>(hyperparameters().keySet());
        expected.add("lr");
        if (!hyper.keySet().equals(expected)) {
            Set<String> missing = new TreeSet<>(expected);
            missing.removeAll(hyper.keySet());
            Set<String> extra = new TreeSet<>(hyper.keySet());
            extra.removeAll(expected);
            throw new IllegalArgumentException(name + ": state dict hyperparameters do not match this optimizer: missing "
                    + prefixed(missing) + ", unexpected " + prefixed(extra));
        }
        double newLr = hyper.remove("lr");
        if (!(newLr >= 0) || Double.isInfinite(newLr)) {
            throw new IllegalArgumentException(name + ": state dict has learning rate " + newLr);
        }
        setHyperparameters(hyper);
        this.lr = newLr;
        this.states = loaded;
    }

    private int parameterIndex(String key, String text) {
        int index;
        try {
            index = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": state dict entry " + key + " does not name a parameter index");
        }
        if (index < 0 || index >= params.size()) {
            throw new IllegalArgumentException(name + ": state dict entry " + key + " is for parameter " + index
                    + " but this optimizer has " + params.size() + " parameters");
        }
        return index;
    }

    private float scalar(String key, Tensor value) {
        if (value.numel() != 1) {
            throw new IllegalArgumentException(name + ": state dict entry " + key + " must have one element, has shape "
                    + Shape.str(value.shape()));
        }
        return value.data()[0];
    }

    private int stepCount(String key, Tensor value) {
        float step = scalar(key, value);
        if (!(step >= 1) || step != Math.rint(step) || step > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + ": state dict entry " + key + " = " + step
                    + " is not a step count (a positive integer)");
        }
        return (int) step;
    }

    private static List<String> prefixed(Set<String> names) {
        List<String> out = new ArrayList<>();
        for (String n : names) {
            out.add(HYPER + n);
        }
        return out;
    }

    /** Throws naming the optimizer, the hyperparameter and its value unless {@code ok}. */
    protected final void require(boolean ok, String hyperparameter, double value, String rule) {
        if (!ok) {
            throw new IllegalArgumentException(name + ": " + hyperparameter + " must be " + rule + ", got " + value);
        }
    }
}
