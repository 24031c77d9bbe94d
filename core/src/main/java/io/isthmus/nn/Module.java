package io.isthmus.nn;

import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A layer or a model: named parameters, buffers and submodules, a train/eval mode, and a
 * {@link #stateDict()} with PyTorch's names and layouts ({@code 0.weight}, {@code fc1.bias}),
 * so weights saved by PyTorch load as they are.
 *
 * <p>Subclasses implement {@link #compute(Tensor)}; callers use {@link #forward(Tensor)}, which
 * also lets {@link Summary} see every layer's output shape.
 */
public abstract class Module {

    private final Map<String, Tensor> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** The layer's computation; input and output shapes are documented by each layer. */
    protected abstract Tensor compute(Tensor input);

    /** Runs the layer. */
    public final Tensor forward(Tensor input) {
        Tensor output = compute(input);
        Summary.record(this, output);
        return output;
    }

    /** Registers a trainable tensor under {@code name} (marks it requiresGrad). */
    protected final Tensor registerParameter(String name, Tensor parameter) {
        checkName(name);
        parameters.put(name, parameter.requiresGrad(true));
        return parameter;
    }

    /** Registers state that is saved but not trained (e.g. running statistics). */
    protected final Tensor registerBuffer(String name, Tensor buffer) {
        checkName(name);
        buffers.put(name, buffer);
        return buffer;
    }

    /** Registers a submodule under {@code name}; its entries appear as {@code name.*}. */
    protected final <M extends Module> M registerModule(String name, M module) {
        checkName(name);
        children.put(name, module);
        return module;
    }

    private void checkName(String name) {
        if (name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException("module entry name must be non-empty and without '.', got '" + name + "'");
        }
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " already has an entry named '" + name + "'");
        }
    }

    /** Direct submodules in registration order. */
    public Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /** This module ("") and every descendant by dotted path ({@code "0"}, {@code "encoder.layers.1"}). */
    public Map<String, Module> namedModules() {
        Map<String, Module> named = new LinkedHashMap<>();
        collectModules("", named);
        return named;
    }

    private void collectModules(String path, Map<String, Module> into) {
        into.put(path, this);
        children.forEach((name, child) -> child.collectModules(path.isEmpty() ? name : path + "." + name, into));
    }

    /** Every trainable tensor, this module's first, then each child's, in registration order. */
    public List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** Parameters by dotted name ({@code fc1.weight}). */
    public Map<String, Tensor> namedParameters() {
        Map<String, Tensor> named = new LinkedHashMap<>();
        collect("", named, false);
        return named;
    }

    /** Parameters and buffers by dotted name, in PyTorch's order; the tensors themselves (not copies). */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> state = new LinkedHashMap<>();
        collect("", state, true);
        return state;
    }

    private void collect(String prefix, Map<String, Tensor> into, boolean withBuffers) {
        parameters.forEach((name, t) -> into.put(prefix + name, t));
        if (withBuffers) {
            buffers.forEach((name, t) -> into.put(prefix + name, t));
        }
        children.forEach((name, child) -> child.collect(prefix + name + ".", into, withBuffers));
    }

    /**
     * Copies values into this module's parameters and buffers. Keys and shapes must match
     * exactly; the message lists missing and unexpected keys or names both shapes.
     */
    public void loadStateDict(Map<String, Tensor> state) {
        Map<String, Tensor> own = stateDict();
        TreeSet<String> missing = new TreeSet<>(own.keySet());
        missing.removeAll(state.keySet());
        TreeSet<String> unexpected = new TreeSet<>(state.keySet());
        unexpected.removeAll(own.keySet());
        if (!missing.isEmpty() || !unexpected.isEmpty()) {
            throw new IllegalArgumentException("state dict does not match " + getClass().getSimpleName()
                    + ": missing keys " + missing + ", unexpected keys " + unexpected);
        }
        for (Map.Entry<String, Tensor> entry : own.entrySet()) {
            Tensor source = state.get(entry.getKey());
            Tensor target = entry.getValue();
            if (!Arrays.equals(source.shape(), target.shape())) {
                throw new IllegalArgumentException("state dict entry '" + entry.getKey() + "' has shape "
                        + Shape.str(source.shape()) + " but the module expects " + Shape.str(target.shape()));
            }
        }
        own.forEach((name, target) ->
                System.arraycopy(state.get(name).data(), 0, target.data(), 0, target.numel()));
    }

    /** Training mode (dropout active, batch statistics); returns this. */
    public Module train() {
        setTraining(true);
        return this;
    }

    /** Inference mode; returns this. */
    public Module eval() {
        setTraining(false);
        return this;
    }

    private void setTraining(boolean value) {
        training = value;
        children.values().forEach(child -> child.setTraining(value));
    }

    public boolean isTraining() {
        return training;
    }

    /** Clears every parameter's gradient to zero. */
    public void zeroGrad() {
        for (Tensor p : parameters()) {
            p.zeroGrad();
        }
    }

    /** Number of scalar parameters. */
    public long parameterCount() {
        long count = 0;
        for (Tensor p : parameters()) {
            count += p.numel();
        }
        return count;
    }

    /** Own (not children's) parameter count, for summaries. */
    long ownParameterCount() {
        long count = 0;
        for (Tensor p : parameters.values()) {
            count += p.numel();
        }
        return count;
    }

    /** Keras-style table of layers, output shapes and parameter counts for inputs of {@code inputShape}. */
    public String summary(int... inputShape) {
        return Summary.of(this, inputShape);
    }

    /** A one-line description of this layer's settings, e.g. "in=784, out=128". */
    public String describe() {
        return "";
    }

    @Override
    public String toString() {
        String settings = describe();
        return getClass().getSimpleName() + "(" + settings + ")";
    }
}
