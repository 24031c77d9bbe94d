package io.isthmus.optim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an optimizer remembers about one parameter: how many steps it has taken (PyTorch keeps
 * this per parameter, so a parameter that had no gradient for a while lags behind) and its
 * named buffers (momentum_buffer, exp_avg, ...), each the parameter's size.
 */
public final class ParamState {

    private int step;
    private final Map<String, float[]> buffers = new LinkedHashMap<>();

    ParamState() {
    }

    /** Steps taken, counting the current one during an update (1 on the first). */
    public int step() {
        return step;
    }

    void setStep(int step) {
        this.step = step;
    }

    /** The buffer called {@code name}, or null before it exists. */
    public float[] buffer(String name) {
        return buffers.get(name);
    }

    /** The buffer called {@code name}, created zero-filled with {@code size} floats if absent. */
    public float[] zeroBuffer(String name, int size) {
        return buffers.computeIfAbsent(name, k -> new float[size]);
    }

    public void putBuffer(String name, float[] values) {
        buffers.put(name, values);
    }

    Map<String, float[]> buffers() {
        return buffers;
    }
}
