package io.isthmus.data;

import io.isthmus.tensor.AnyTensor;
import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One mini-batch: named tensors sharing a leading batch dimension B, e.g. {@code inputs}
 * [B, 784] and {@code targets} [B] for a classifier, or {@code source} [B, S], {@code target}
 * [B, T] and {@code source_mask} [B, S] for a translation model. Fields are float
 * {@link Tensor}s or {@link IndexTensor}s, read by name and type:
 * {@code batch.tensor("inputs")}, {@code batch.indices("targets")}.
 */
public final class Batch {

    /** The field a one-input model reads. */
    public static final String INPUTS = "inputs";
    /** The field a loss compares the output with. */
    public static final String TARGETS = "targets";

    private final Map<String, AnyTensor> fields;
    private final int size;
    /** The arrays a {@link DataLoader} lent this batch, for {@link DataLoader.Batches#recycle}; null if none. */
    final BufferPool.Loan loan;

    /** fields: at least one, in the order given; all share the leading dimension. */
    public Batch(Map<String, ? extends AnyTensor> fields) {
        this(fields, null);
    }

    Batch(Map<String, ? extends AnyTensor> fields, BufferPool.Loan loan) {
        Objects.requireNonNull(fields, "fields");
        if (fields.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one field");
        }
        Map<String, AnyTensor> copy = new LinkedHashMap<>();
        int b = -1;
        String first = null;
        for (Map.Entry<String, ? extends AnyTensor> e : fields.entrySet()) {
            AnyTensor value = Objects.requireNonNull(e.getValue(), () -> "batch field '" + e.getKey() + "' is null");
            if (value.dim() == 0) {
                throw new IllegalArgumentException("batch field '" + e.getKey() + "' is a scalar; every field needs a "
                        + "leading batch dimension");
            }
            if (b < 0) {
                b = value.size(0);
                first = e.getKey();
            } else if (value.size(0) != b) {
                throw new IllegalArgumentException("batch fields must share a leading batch dimension: '" + first + "' is "
                        + Shape.str(fields.get(first).shape()) + " but '" + e.getKey() + "' is " + Shape.str(value.shape()));
            }
            copy.put(e.getKey(), value);
        }
        this.fields = Collections.unmodifiableMap(copy);
        this.size = b;
        this.loan = loan;
    }

    /** The usual supervised batch: {@code inputs} and {@code targets}. */
    public Batch(Tensor inputs, AnyTensor targets) {
        this(pair(inputs, targets));
    }

    private static Map<String, AnyTensor> pair(Tensor inputs, AnyTensor targets) {
        Map<String, AnyTensor> m = new LinkedHashMap<>();
        m.put(INPUTS, Objects.requireNonNull(inputs, "inputs"));
        m.put(TARGETS, Objects.requireNonNull(targets, "targets"));
        return m;
    }

    /** Number of samples B. */
    public int size() {
        return size;
    }

    /** Field names in order. */
    public Set<String> names() {
        return fields.keySet();
    }

    /** The fields in order (unmodifiable). */
    public Map<String, AnyTensor> fields() {
        return fields;
    }

    public boolean has(String name) {
        return fields.containsKey(name);
    }

    /** The field {@code name}, of either kind. */
    public AnyTensor get(String name) {
        AnyTensor value = fields.get(name);
        if (value == null) {
            throw new IllegalArgumentException("the batch has no field '" + name + "'; it has " + fields.keySet());
        }
        return value;
    }

    /** The float field {@code name}. */
    public Tensor tensor(String name) {
        return AnyTensor.requireFloat(get(name), "batch field '" + name + "'");
    }

    /** The index field {@code name}. */
    public IndexTensor indices(String name) {
        return AnyTensor.requireIndices(get(name), "batch field '" + name + "'");
    }

    /** The float field {@code inputs}. */
    public Tensor inputs() {
        return tensor(INPUTS);
    }

    /** The field {@code targets}, of either kind. */
    public AnyTensor targets() {
        return get(TARGETS);
    }

    /**
     * A batch with field {@code name} set to {@code value} (added, or replaced in place); this one
     * is unchanged. The new batch can still be recycled: the loader takes back those of its
     * arrays that the fields still hold, never an array it did not make.
     */
    public Batch with(String name, AnyTensor value) {
        Objects.requireNonNull(name, "name");
        Map<String, AnyTensor> m = new LinkedHashMap<>(fields);
        m.put(name, value);
        return new Batch(m, loan);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("Batch[").append(size).append(": ");
        fields.forEach((name, value) -> text.append(name).append(' ').append(value.dtypeName())
                .append(Shape.str(value.shape())).append(", "));
        text.setLength(text.length() - 2);
        return text.append(']').toString();
    }
}
