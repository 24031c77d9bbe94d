package io.isthmus.golden;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.isthmus.io.SafeTensors;
import io.isthmus.io.StoredTensor;
import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Tensor;

/** One PyTorch reference case: its settings ({@code meta}) and its tensors. */
public record GoldenCase(String name, JsonObject meta, SafeTensors file) {

    public String op() {
        return meta.get("op").getAsString();
    }

    /** A stored tensor as a fresh float32 Tensor (integer dtypes converted). */
    public Tensor tensor(String key) {
        StoredTensor stored = file.tensors().get(key);
        if (stored == null) {
            throw new IllegalArgumentException("golden case " + name + " has no tensor '" + key + "'; it has "
                    + file.tensors().keySet());
        }
        return Tensor.of(stored.toFloats(), stored.shape());
    }

    /** A stored integer tensor (labels are I64 in the golden files) as an IndexTensor. */
    public IndexTensor indices(String key) {
        if (!file.tensors().containsKey(key)) {
            throw new IllegalArgumentException("golden case " + name + " has no tensor '" + key + "'; it has "
                    + file.tensors().keySet());
        }
        return file.indices(key);
    }

    public boolean has(String key) {
        return file.tensors().containsKey(key);
    }

    public double number(String key, double fallback) {
        JsonElement value = meta.get(key);
        return value == null ? fallback : value.getAsDouble();
    }

    public boolean flag(String key, boolean fallback) {
        JsonElement value = meta.get(key);
        return value == null ? fallback : value.getAsBoolean();
    }

    public String string(String key) {
        JsonElement value = meta.get(key);
        return value == null ? null : value.getAsString();
    }

    @Override
    public String toString() {
        return name;
    }
}
