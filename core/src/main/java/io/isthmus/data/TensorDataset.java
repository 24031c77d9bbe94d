package io.isthmus.data;

import io.isthmus.tensor.AnyTensor;
import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Samples held in memory as named tensors that share a leading sample dimension N: float
 * {@link Tensor}s (features, masks, regression targets) and {@link IndexTensor}s (class labels,
 * token ids). The tensors' storage is shared, not copied.
 *
 * <pre>{@code
 * TensorDataset mnist = TensorDataset.of(images, labels);   // inputs [N, 784], targets [N] indices
 * TensorDataset pairs = TensorDataset.builder()
 *         .add("source", sourceIds)                        // IndexTensor [N, S]
 *         .add("target", targetIds)                        // IndexTensor [N, T]
 *         .add("source_mask", mask)                        // Tensor [N, S]
 *         .build();
 * }</pre>
 */
public final class TensorDataset implements Dataset {

    private final int size;
    private final List<Field> fields;
    /** Per field, its storage [N * sampleSize]: one of the two is non-null. */
    private final float[][] floatData;
    private final int[][] intData;
    private final int[] sampleSizes;
    /** Where the reads of {@link #touchSamples} go, so that the JIT keeps them. */
    private int touched;

    private TensorDataset(Map<String, AnyTensor> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("a dataset needs at least one field");
        }
        int n = values.size();
        List<Field> fieldList = new ArrayList<>(n);
        floatData = new float[n][];
        intData = new int[n][];
        sampleSizes = new int[n];
        String first = null;
        int count = -1;
        int f = 0;
        for (Map.Entry<String, AnyTensor> e : values.entrySet()) {
            String name = e.getKey();
            AnyTensor value = e.getValue();
            int[] shape = value.shape();
            if (shape.length == 0) {
                throw new IllegalArgumentException("field '" + name + "' is a scalar " + value.dtypeName()
                        + "; every field needs a leading sample dimension N");
            }
            if (first == null) {
                first = name;
                count = shape[0];
            } else if (shape[0] != count) {
                throw new IllegalArgumentException("field '" + name + "' " + Shape.str(shape) + " has " + shape[0]
                        + " samples but '" + first + "' " + Shape.str(values.get(first).shape()) + " has " + count
                        + "; every field needs the same sample count N");
            }
            int[] sampleShape = Arrays.copyOfRange(shape, 1, shape.length);
            switch (value) {
                case Tensor t -> {
                    fieldList.add(Field.floats(name, sampleShape));
                    floatData[f] = t.data();
                }
                case IndexTensor t -> {
                    fieldList.add(Field.indices(name, sampleShape));
                    intData[f] = t.data();
                }
            }
            sampleSizes[f] = Shape.numel(sampleShape);
            f++;
        }
        this.size = count;
        this.fields = List.copyOf(fieldList);
    }

    /** The usual supervised pair: {@code inputs} [N, ...] and {@code targets} [N, ...] (class indices or floats). */
    public static TensorDataset of(Tensor inputs, AnyTensor targets) {
        return builder().add(Batch.INPUTS, inputs).add(Batch.TARGETS, targets).build();
    }

    /**
     * Named fields, in the map's iteration order (which is the order of the batch's fields:
     * use a LinkedHashMap or the {@link #builder()} for a fixed one). All share N.
     */
    public static TensorDataset of(Map<String, ? extends AnyTensor> fields) {
        Builder b = builder();
        fields.forEach(b::add);
        return b.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects named fields in order; {@link #build()} checks that they share N. */
    public static final class Builder {
        private final Map<String, AnyTensor> values = new LinkedHashMap<>();

        private Builder() {
        }

        /** Field {@code name} with {@code value} [N, ...]: a Tensor gives a FLOAT field, an IndexTensor an INDEX one. */
        public Builder add(String name, AnyTensor value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, () -> "field '" + name + "'");
            if (values.containsKey(name)) {
                throw new IllegalArgumentException("field '" + name + "' is given twice");
            }
            values.put(name, value);
            return this;
        }

        /** A FLOAT field over {@code data} (not copied) of {@code shape} [N, ...]. */
        public Builder floats(String name, float[] data, int... shape) {
            return add(name, Tensor.of(data, shape));
        }

        /** An INDEX field over {@code data} (not copied) of {@code shape} [N, ...]. */
        public Builder indices(String name, int[] data, int... shape) {
            return add(name, IndexTensor.of(data, shape));
        }

        public TensorDataset build() {
            return new TensorDataset(values);
        }
    }

    /**
     * The same samples with each sample's {@code inputs} viewed as {@code shape} (same number of
     * elements, no copy): e.g. MNIST's [1, 28, 28] as [784] for an MLP.
     */
    public TensorDataset withFeatureShape(int... shape) {
        return withSampleShape(Batch.INPUTS, shape);
    }

    /** The same samples with field {@code name}'s sample viewed as {@code shape} (same number of elements, no copy). */
    public TensorDataset withSampleShape(String name, int... shape) {
        Field field = field(name);
        if (Shape.numel(shape) != field.sampleSize()) {
            throw new IllegalArgumentException("cannot view field '" + name + "' of sample shape "
                    + Shape.str(field.sampleShape()) + " (" + field.sampleSize() + " elements) as " + Shape.str(shape)
                    + " (" + Shape.numel(shape) + " elements)");
        }
        Map<String, AnyTensor> values = new LinkedHashMap<>();
        for (Field f : fields) {
            AnyTensor all = get(f.name());
            values.put(f.name(), f.name().equals(name) ? reshape(all, new Field(name, f.kind(), shape).batchShape(size)) : all);
        }
        return new TensorDataset(values);
    }

    private static AnyTensor reshape(AnyTensor value, int[] shape) {
        return switch (value) {
            case Tensor t -> Tensor.of(t.data(), shape);
            case IndexTensor t -> t.reshape(shape);
        };
    }

    /** Field {@code name}, all samples: [N, ...sampleShape] over the storage (not a copy). */
    public AnyTensor get(String name) {
        int f = fields.indexOf(field(name));
        int[] shape = fields.get(f).batchShape(size);
        return floatData[f] != null ? Tensor.of(floatData[f], shape) : IndexTensor.of(intData[f], shape);
    }

    /** FLOAT field {@code name}, all samples: [N, ...sampleShape] over the storage. */
    public Tensor tensor(String name) {
        return AnyTensor.requireFloat(get(name), "dataset field '" + name + "'");
    }

    /** INDEX field {@code name}, all samples: [N, ...sampleShape] over the storage. */
    public IndexTensor indices(String name) {
        return AnyTensor.requireIndices(get(name), "dataset field '" + name + "'");
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public List<Field> fields() {
        return fields;
    }

    @Override
    public void gather(int[] indices, int from, int count, BatchArrays out) {
        if (out.count() != count || (out.fields() != fields && !out.fields().equals(fields))) {
            throw new IllegalArgumentException("arrays for " + out.count() + " samples of " + out.fields()
                    + " cannot take " + count + " samples of " + fields);
        }
        touchSamples(indices, from, count);
        for (int f = 0; f < sampleSizes.length; f++) {
            int n = sampleSizes[f];
            if (floatData[f] != null) {
                copyRows(floatData[f], out.floats(f), n, indices, from, count);
            } else {
                copyRows(intData[f], out.ints(f), n, indices, from, count);
            }
        }
    }

    private static void copyRows(float[] source, float[] target, int n, int[] indices, int from, int count) {
        if (n == 1) {
            for (int b = 0; b < count; b++) {
                target[b] = source[indices[from + b]];
            }
        } else {
            for (int b = 0; b < count; b++) {
                System.arraycopy(source, indices[from + b] * n, target, b * n, n);
            }
        }
    }

    private static void copyRows(int[] source, int[] target, int n, int[] indices, int from, int count) {
        if (n == 1) {
            for (int b = 0; b < count; b++) {
                target[b] = source[indices[from + b]];
            }
        } else {
            for (int b = 0; b < count; b++) {
                System.arraycopy(source, indices[from + b] * n, target, b * n, n);
            }
        }
    }

    /**
     * Checks every index, then reads the first element of every field of each sample before any
     * is copied. A shuffled batch's rows lie anywhere in the set, each a cache and TLB miss: these
     * reads do not depend on one another, so their misses overlap, and each copy then starts on a
     * row whose first line is in cache (the hardware prefetcher fetching the rest) instead of
     * waiting out one row's misses after another. MLP training at batch 128 (rows of 784 floats),
     * this machine: 64 instead of 82 us a batch. Reading more of each row first gained less.
     */
    private void touchSamples(int[] indices, int from, int count) {
        int bits = 0;
        for (int b = 0; b < count; b++) {
            int i = indices[from + b];
            if (i < 0 || i >= size) {
                throw new IndexOutOfBoundsException("sample index " + i + " out of range [0, " + size + ")");
            }
            for (int f = 0; f < sampleSizes.length; f++) {
                int n = sampleSizes[f];
                if (n > 0) {
                    float[] floats = floatData[f];
                    bits += floats != null ? Float.floatToRawIntBits(floats[i * n]) : intData[f][i * n];
                }
            }
        }
        touched += bits;
    }

    @Override
    public String toString() {
        return "TensorDataset[" + size + " samples: " + String.join(", ", fields.stream().map(Field::toString).toList()) + "]";
    }
}
