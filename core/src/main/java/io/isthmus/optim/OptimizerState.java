package io.isthmus.optim;

import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An optimizer's state dict: writing it, and reading one back into new values without
 * touching the optimizer (so that a bad entry changes nothing). One group keeps the
 * single-group keys {@code hyper.*} of earlier versions, so their checkpoints still load.
 */
final class OptimizerState {

    private static final String HYPER = "hyper.";
    private static final String GROUP = "group.";
    private static final String STATE = "state.";
    private static final String STEP = "step";
    private static final String SIZE = "size";

    /** What a state dict sets: per group its rate and hyperparameters, per parameter its state. */
    record Loaded(double[] lrs, float[][] values, ParamState[] states) {
    }

    private OptimizerState() {
    }

    static Map<String, Tensor> save(Optimizer optimizer) {
        Map<String, Tensor> dict = new LinkedHashMap<>();
        List<Optimizer.Group> groups = optimizer.groups();
        for (int g = 0; g < groups.size(); g++) {
            Optimizer.Group group = groups.get(g);
            String prefix = groups.size() == 1 ? HYPER : GROUP + g + ".";
            if (groups.size() > 1) {
                dict.put(prefix + SIZE, Tensor.scalar(group.parameters().size()));
            }
            dict.put(prefix + "lr", Tensor.scalar((float) group.lr()));
            group.hyperparameters().forEach((key, value) -> dict.put(prefix + key, Tensor.scalar(value)));
        }
        ParamState[] states = optimizer.states();
        for (int i = 0; i < states.length; i++) {
            if (states[i] == null) {
                continue;
            }
            dict.put(STATE + i + "." + STEP, Tensor.scalar(states[i].step()));
            int[] shape = optimizer.parameters().get(i).shape();
            for (Map.Entry<String, float[]> buffer : states[i].buffers().entrySet()) {
                dict.put(STATE + i + "." + buffer.getKey(), Tensor.of(buffer.getValue().clone(), shape));
            }
        }
        return dict;
    }

    static Loaded load(Optimizer optimizer, Map<String, Tensor> dict) {
        String name = optimizer.name();
        TreeMap<Integer, Map<String, Float>> settings = new TreeMap<>();
        Map<String, Tensor> stateEntries = new LinkedHashMap<>();
        Set<String> unknown = new TreeSet<>();
        boolean single = false;
        boolean grouped = false;
        for (Map.Entry<String, Tensor> entry : dict.entrySet()) {
            String key = entry.getKey();
            if (key.startsWith(HYPER)) {
                single = true;
                settings.computeIfAbsent(0, g -> new LinkedHashMap<>())
                        .put(key.substring(HYPER.length()), scalar(name, key, entry.getValue()));
            } else if (key.startsWith(GROUP) && groupIndex(key) >= 0) {
                grouped = true;
                settings.computeIfAbsent(groupIndex(key), g -> new LinkedHashMap<>())
                        .put(key.substring(key.indexOf('.', GROUP.length()) + 1), scalar(name, key, entry.getValue()));
            } else if (key.startsWith(STATE) && key.indexOf('.', STATE.length()) > 0) {
                stateEntries.put(key, entry.getValue());
            } else {
                unknown.add(key);
            }
        }
        List<String> names = optimizer.hyperNames();
        if (!unknown.isEmpty() || single && grouped) {
            throw new IllegalArgumentException(name + ": state dict has entries this optimizer does not use: "
                    + (unknown.isEmpty() ? "both hyper.* and group.*" : unknown)
                    + " (expected hyper.<name> (one group) or group.<g>.<name> (several) among lr, " + names
                    + (grouped ? ", size" : "") + ", and state.<i>.<name> among step, " + optimizer.bufferNames() + ")");
        }
        int count = grouped ? settings.lastKey() + 1 : 1;
        checkGroups(optimizer, settings, grouped, count);
        double[] lrs = new double[count];
        float[][] values = new float[count][];
        for (int g = 0; g < count; g++) {
            Map<String, Float> group = settings.getOrDefault(g, Map.of());
            lrs[g] = group.get("lr");
            values[g] = new float[names.size()];
            for (int k = 0; k < names.size(); k++) {
                values[g][k] = group.get(names.get(k));
            }
        }
        return new Loaded(lrs, values, states(optimizer, stateEntries));
    }

    /** Group count, sizes and each group's setting names must match the optimizer's. */
    private static void checkGroups(Optimizer optimizer, Map<Integer, Map<String, Float>> settings, boolean grouped,
                                    int count) {
        String name = optimizer.name();
        List<Integer> ours = sizes(optimizer);
        List<Integer> theirs = new ArrayList<>();
        for (int g = 0; g < count && grouped; g++) {
            Float size = settings.getOrDefault(g, Map.of()).get(SIZE);
            theirs.add(size == null ? null : Math.round(size));
        }
        if (count != ours.size()) {
            throw new IllegalArgumentException(name + ": state dict has " + count + " parameter group"
                    + (count == 1 ? "" : "s") + (grouped ? " of sizes " + theirs : " (hyper.*)") + " but this optimizer has "
                    + ours.size() + " of sizes " + ours);
        }
        for (int g = 0; g < count; g++) {
            String prefix = grouped ? GROUP + g + "." : HYPER;
            Set<String> expected = new TreeSet<>(optimizer.hyperNames());
            expected.add("lr");
            if (grouped) {
                expected.add(SIZE);
            }
            Set<String> got = settings.getOrDefault(g, Map.of()).keySet();
            if (!got.equals(expected)) {
                Set<String> missing = new TreeSet<>(expected);
                missing.removeAll(got);
                Set<String> extra = new TreeSet<>(got);
                extra.removeAll(expected);
                throw new IllegalArgumentException(name + ": state dict hyperparameters do not match this optimizer: missing "
                        + prefixed(prefix, missing) + ", unexpected " + prefixed(prefix, extra));
            }
        }
        if (grouped && !theirs.equals(ours)) {
            throw new IllegalArgumentException(name + ": state dict has parameter groups of sizes " + theirs
                    + " but this optimizer's groups have sizes " + ours);
        }
    }

    private static List<Integer> sizes(Optimizer optimizer) {
        List<Integer> sizes = new ArrayList<>();
        optimizer.groups().forEach(group -> sizes.add(group.parameters().size()));
        return sizes;
    }

    private static ParamState[] states(Optimizer optimizer, Map<String, Tensor> entries) {
        String name = optimizer.name();
        List<Tensor> params = optimizer.parameters();
        ParamState[] loaded = new ParamState[params.size()];
        Set<String> unknown = new TreeSet<>();
        for (Map.Entry<String, Tensor> entry : entries.entrySet()) {
            String key = entry.getKey();
            Tensor value = entry.getValue();
            int dot = key.indexOf('.', STATE.length());
            int index = parameterIndex(name, key, key.substring(STATE.length(), dot), params.size());
            String field = key.substring(dot + 1);
            if (loaded[index] == null) {
                loaded[index] = new ParamState();
            }
            if (field.equals(STEP)) {
                loaded[index].setStep(stepCount(name, key, value));
            } else if (optimizer.bufferNames().contains(field)) {
                int[] shape = params.get(index).shape();
                if (!Arrays.equals(value.shape(), shape)) {
                    throw new IllegalArgumentException(name + ": state dict entry " + key + " has shape "
                            + Shape.str(value.shape()) + " but parameter " + index + " has shape " + Shape.str(shape));
                }
                loaded[index].putBuffer(field, value.data().clone());
            } else {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(name + ": state dict has entries this optimizer does not use: " + unknown
                    + " (expected state.<i>.<name> among step, " + optimizer.bufferNames() + ")");
        }
        for (int i = 0; i < loaded.length; i++) {
            if (loaded[i] != null && loaded[i].step() == 0) {
                throw new IllegalArgumentException(name + ": state dict has buffers for parameter " + i
                        + " but no state." + i + ".step");
            }
        }
        return loaded;
    }

    /** g of {@code group.<g>.<name>}, or -1 when the key is not of that form. */
    private static int groupIndex(String key) {
        int dot = key.indexOf('.', GROUP.length());
        if (dot < 0) {
            return -1;
        }
        try {
            return Integer.parseInt(key.substring(GROUP.length(), dot));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static int parameterIndex(String name, String key, String text, int count) {
        int index;
        try {
            index = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": state dict entry " + key + " does not name a parameter index");
        }
        if (index < 0 || index >= count) {
            throw new IllegalArgumentException(name + ": state dict entry " + key + " is for parameter " + index
                    + " but this optimizer has " + count + " parameters");
        }
        return index;
    }

    private static float scalar(String name, String key, Tensor value) {
        if (value.numel() != 1) {
            throw new IllegalArgumentException(name + ": state dict entry " + key + " must have one element, has shape "
                    + Shape.str(value.shape()));
        }
        return value.data()[0];
    }

    private static int stepCount(String name, String key, Tensor value) {
        float step = scalar(name, key, value);
        if (!(step >= 1) || step != Math.rint(step) || step > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + ": state dict entry " + key + " = " + step
                    + " is not a step count (a positive integer)");
        }
        return (int) step;
    }

    private static List<String> prefixed(String prefix, Set<String> names) {
        List<String> out = new ArrayList<>();
        for (String n : names) {
            out.add(prefix + n);
        }
        return out;
    }
}
