package io.isthmus.data;

import io.isthmus.tensor.Shape;

import java.util.Arrays;
import java.util.Objects;

/**
 * One named, typed part of every sample of a {@link Dataset}: e.g. {@code inputs} FLOAT [784]
 * and {@code targets} INDEX [] for a classifier, or {@code source} INDEX [S], {@code target}
 * INDEX [T] and {@code source_mask} FLOAT [S] for a translation model. A batch of B samples
 * holds the field as a tensor of shape [B, ...sampleShape].
 *
 * @param name        the field's name in datasets and batches
 * @param kind        FLOAT (a {@link io.isthmus.tensor.Tensor}) or INDEX (an {@link io.isthmus.tensor.IndexTensor})
 * @param sampleShape shape of one sample's value, {@code []} for a scalar (one class index, say)
 */
public record Field(String name, Kind kind, int[] sampleShape) {

    /** The element type of a field: float32 values or int32 indices. */
    public enum Kind {
        FLOAT, INDEX
    }

    public Field {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        sampleShape = sampleShape.clone();
        for (int d : sampleShape) {
            if (d < 0) {
                throw new IllegalArgumentException("field '" + name + "' has a negative dimension in " + Shape.str(sampleShape));
            }
        }
    }

    /** A float field. */
    public static Field floats(String name, int... sampleShape) {
        return new Field(name, Kind.FLOAT, sampleShape);
    }

    /** An index field. */
    public static Field indices(String name, int... sampleShape) {
        return new Field(name, Kind.INDEX, sampleShape);
    }

    /** A copy of the shape of one sample's value. */
    @Override
    public int[] sampleShape() {
        return sampleShape.clone();
    }

    /** Elements per sample: the product of the sample shape (1 for a scalar). */
    public int sampleSize() {
        return Shape.numel(sampleShape);
    }

    /** The shape of {@code count} samples: [count, ...sampleShape]. */
    public int[] batchShape(int count) {
        int[] out = new int[sampleShape.length + 1];
        out[0] = count;
        System.arraycopy(sampleShape, 0, out, 1, sampleShape.length);
        return out;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Field f && name.equals(f.name) && kind == f.kind && Arrays.equals(sampleShape, f.sampleShape);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, kind, Arrays.hashCode(sampleShape));
    }

    /** E.g. {@code targets INDEX []}. */
    @Override
    public String toString() {
        return name + " " + kind + " " + Shape.str(sampleShape);
    }
}
