package io.isthmus.data;

import java.util.List;

/**
 * A fixed-size, indexable set of samples, each made of named, typed {@link Field}s of fixed
 * shapes: e.g. {@code inputs} FLOAT [784] and {@code targets} INDEX [] for a classifier.
 * Batches are built by {@link #gather}, which copies many samples at once into one
 * contiguous array per field; there is no per-sample object, so an epoch of batching costs
 * little more than the memory copies.
 */
public interface Dataset {

    /** Number of samples N. */
    int size();

    /** The fields of every sample, in order, with distinct names (the same list on every call). */
    List<Field> fields();

    /**
     * Copies samples {@code indices[from .. from + count)} into {@code out}: field f's rows as
     * [count, ...sampleShape] into {@code out}'s array f, from offset 0. {@code out} was made for
     * {@link #fields()} and {@code count}. Indices must be in [0, size()); they may repeat.
     */
    void gather(int[] indices, int from, int count, BatchArrays out);

    /** The field called {@code name}; the error lists the fields there are. */
    default Field field(String name) {
        for (Field f : fields()) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("the dataset has no field '" + name + "'; it has " + fields());
    }

    /** The samples at {@code indices} as a new batch: each field [B, ...sampleShape]. */
    default Batch batch(int... indices) {
        return batch(indices, 0, indices.length);
    }

    /** The samples {@code indices[from .. from + count)} as a new batch. */
    default Batch batch(int[] indices, int from, int count) {
        if (from < 0 || count < 1 || from + count > indices.length) {
            throw new IllegalArgumentException("need 0 <= from and 1 <= count with from + count <= "
                    + indices.length + ", got from " + from + ", count " + count);
        }
        BatchArrays out = BatchArrays.allocate(fields(), count);
        gather(indices, from, count, out);
        return out.toBatch();
    }
}
