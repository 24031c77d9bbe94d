package io.isthmus.nn;

import io.isthmus.io.AtomicFiles;
import io.isthmus.io.SafeTensors;
import io.isthmus.io.StoredTensor;
import io.isthmus.tensor.GradMode;
import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * A layer or a model: named parameters, buffers and submodules, a train/eval mode, and a
 * {@link #stateDict()} with PyTorch's names and layouts ({@code 0.weight}, {@code fc1.bias}),
 * so weights saved by PyTorch load as they are; {@link #save}/{@link #load} move them through a
 * safetensors file.
 *
 * <p>A module declares its own typed {@code forward}: one tensor in and one out is a
 * {@link Layer} (and {@link Sequential} chains those); a model with several inputs or outputs
 * extends Module directly, e.g. {@code Tensor forward(IndexTensor source, IndexTensor target,
 * Tensor sourceMask)}, or returns a record of tensors.
 */
public abstract class Module {

    /** How a trainer's checkpoint names its metadata format, before the version (see {@code io.isthmus.train.Checkpoint}). */
    private static final String CHECKPOINT_FORMAT = "isthmus-checkpoint";

    private final Map<String, Tensor> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    /** Own buffers that hold whole numbers (PyTorch int64 buffers such as num_batches_tracked). */
    private final Set<String> integerBuffers = new HashSet<>();
    private boolean training = true;

    /**
     * Lets {@link #summary(Runnable)} show {@code output}'s shape in this module's row; a module
     * with its own typed forward calls it on its main output ({@link Layer}s do it already).
     */
    protected final Tensor recordOutput(Tensor output) {
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

    /**
     * Registers a buffer that PyTorch keeps as int64, such as BatchNorm's {@code num_batches_tracked}:
     * held here as a float32 tensor (whole numbers are exact up to 2^24), loaded from a file of any
     * dtype like every entry, and written by {@link #save} as I64, as PyTorch writes it.
     */
    protected final Tensor registerIntegerBuffer(String name, Tensor buffer) {
        registerBuffer(name, buffer);
        integerBuffers.add(name);
        return buffer;
    }

    /** The {@link #stateDict()} names of buffers registered with {@link #registerIntegerBuffer}. */
    public Set<String> integerStateKeys() {
        Set<String> keys = new TreeSet<>();
        namedModules().forEach((path, module) ->
                module.integerBuffers.forEach(name -> keys.add(path.isEmpty() ? name : path + "." + name)));
        return keys;
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

    /**
     * Training mode (dropout active, batch statistics) for this module and every descendant;
     * returns this module as its own type: {@code Sequential net = model.train();}.
     */
    @SuppressWarnings("unchecked")
    public final <M extends Module> M train() {
        setTraining(true);
        return (M) this;
    }

    /** Inference mode for this module and every descendant; returns this module as its own type. */
    @SuppressWarnings("unchecked")
    public final <M extends Module> M eval() {
        setTraining(false);
        return (M) this;
    }

    private void setTraining(boolean value) {
        training = value;
        children.values().forEach(child -> child.setTraining(value));
    }

    /**
     * Runs {@code work} in inference mode without recording a graph (dropout off, running
     * statistics used), then restores training mode if the module was training; returns what
     * {@code work} returned. Predict, evaluate and summary all run through here.
     */
    public final <T> T inference(Supplier<T> work) {
        boolean wasTraining = isTraining();
        eval();
        try (var scope = GradMode.noGrad()) {
            return work.get();
        } finally {
            if (wasTraining) {
                train();
            }
        }
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

    /** Number of scalar parameters, trainable or frozen. */
    public long parameterCount() {
        long count = 0;
        for (Tensor p : parameters()) {
            count += p.numel();
        }
        return count;
    }

    /** Number of scalar parameters that are trained (requiresGrad); frozen ones are not counted. */
    public long trainableParameterCount() {
        long count = 0;
        for (Tensor p : parameters()) {
            count += p.requiresGrad() ? p.numel() : 0;
        }
        return count;
    }

    /** Number of scalars in buffers (saved state that is not trained, e.g. running statistics). */
    public long bufferCount() {
        long count = 0;
        for (Map.Entry<String, Tensor> e : stateDict().entrySet()) {
            count += e.getValue().numel();
        }
        return count - parameterCount();
    }

    /**
     * Stops (or restarts) training every parameter of this module and its descendants: frozen
     * parameters keep their values, get no gradient, and count as non-trainable. Returns this.
     */
    @SuppressWarnings("unchecked")
    public final <M extends Module> M requiresGrad(boolean trainable) {
        for (Tensor p : parameters()) {
            p.requiresGrad(trainable);
        }
        return (M) this;
    }

    /**
     * Writes this module's weights (parameters and buffers, {@link #stateDict()} names and PyTorch
     * layouts; integer buffers as I64) to a safetensors file, atomically; PyTorch reads it with
     * {@code safetensors.torch.load_file}. For a training run that can resume, use a trainer's
     * checkpoint instead, which also holds the optimizer state and the epoch.
     */
    public void save(Path file) throws IOException {
        AtomicFiles.createParentDirectories(file);
        Set<String> integers = integerStateKeys();
        Map<String, StoredTensor> stored = new LinkedHashMap<>();
        stateDict().forEach((name, t) ->
                stored.put(name, integers.contains(name) ? StoredTensor.wholeNumbers(name, t) : StoredTensor.of(t)));
        new SafeTensors(stored, Map.of("format", "pt")).write(file);
    }

    /**
     * Loads weights written by {@link #save} (or by PyTorch's safetensors) into this module.
     * Nothing changes unless every key and shape matches; the error names the file and what differs.
     *
     * @throws java.nio.file.NoSuchFileException if the file does not exist
     * @throws io.isthmus.io.SafeTensorsFormatException if it is not a valid safetensors file
     */
    public void load(Path file) throws IOException {
        SafeTensors read = SafeTensors.read(file);
        if (read.metadata().getOrDefault("format", "").startsWith(CHECKPOINT_FORMAT)) {
            throw new IllegalArgumentException(file + " is a training checkpoint (weights, optimizer state, epoch), not "
                    + "a weights file: resume it with Trainer.resume, or save weights with model.save");
        }
        Map<String, Tensor> state = read.toTensors();
        try {
            loadStateDict(state);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** Own (not children's) parameter count, for summaries. */
    long ownParameterCount() {
        long count = 0;
        for (Tensor p : parameters.values()) {
            count += p.numel();
        }
        return count;
    }

    /** Keras-style table of layers with their parameter counts, and the totals (no shapes: no input is run). */
    public String summary() {
        return Summary.of(this, null);
    }

    /**
     * Keras-style table with each layer's output shape, recorded while {@code sampleForward}
     * runs one forward pass (in eval mode, without a graph; the mode is restored), e.g.
     * {@code model.summary(() -> model.forward(source, target, mask))}.
     */
    public String summary(Runnable sampleForward) {
        return Summary.of(this, sampleForward);
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
