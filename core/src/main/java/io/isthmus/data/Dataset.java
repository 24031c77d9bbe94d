package io.isthmus.data;

import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

/**
 * A fixed-size, indexable set of samples, each a feature array and a target array of fixed
 * shapes. Batches are built by {@link #gather}, which copies many samples at once into
 * contiguous arrays; there is no per-sample object, so an epoch of batching costs little
 * more than the memory copies.
 */
public interface Dataset {

    /** Number of samples N. */
    int size();

    /** Shape of one sample's features, e.g. {@code [1, 28, 28]} or {@code [784]}. */
    int[] featureShape();

    /** Shape of one sample's target: {@code []} for a class index or a scalar. */
    int[] targetShape();

    /**
     * Copies samples {@code indices[from .. from + count)} into {@code features} as
     * [count, ...featureShape] and {@code targets} as [count, ...targetShape], both from offset 0.
     * Indices must be in [0, size()); they may repeat.
     */
    void gather(int[] indices, int from, int count, float[] features, float[] targets);

    /** Elements per sample's features: the product of {@link #featureShape()}. */
    default int featureSize() {
        return Shape.numel(featureShape());
    }

    /** Elements per sample's target: the product of {@link #targetShape()} (1 for a class index). */
    default int targetSize() {
        return Shape.numel(targetShape());
    }

    /** The samples at {@code indices} as a new batch: inputs [B, ...featureShape], targets [B, ...targetShape]. */
    default Batch batch(int... indices) {
        return batch(indices, 0, indices.length);
    }

    /** The samples {@code indices[from .. from + count)} as a new batch. */
    default Batch batch(int[] indices, int from, int count) {
        if (from < 0 || count < 1 || from + count > indices.length) {
            throw new IllegalArgumentException("need 0 <= from and 1 <= count with from + count <= "
                    + indices.length + ", got from " + from + ", count " + count);
        }
        float[] features = new float[count * featureSize()];
        float[] targets = new float[count * targetSize()];
        gather(indices, from, count, features, targets);
        return new Batch(Tensor.of(features, prepend(count, featureShape())),
                Tensor.of(targets, prepend(count, targetShape())));
    }

    private static int[] prepend(int first, int[] rest) {
        int[] out = new int[rest.length + 1];
        out[0] = first;
        System.arraycopy(rest, 0, out, 1, rest.length);
        return out;
    }
}
