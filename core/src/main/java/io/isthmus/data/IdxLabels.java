package io.isthmus.data;

/**
 * Labels from an IDX file ({@code *-labels-idx1-ubyte}): one unsigned byte per sample.
 *
 * @param count  number of labels N
 * @param labels [N] values 0..255 as (signed) bytes; not copied
 */
public record IdxLabels(int count, byte[] labels) {

    public IdxLabels {
        if (labels.length != count) {
            throw new IllegalArgumentException(count + " labels need " + count + " bytes, got " + labels.length);
        }
    }

    /** Label of sample {@code i}, 0..255. */
    public int label(int i) {
        return labels[i] & 0xFF;
    }

    /** Class indices (the {@code targets} of {@link MnistFormat}'s datasets): [N] values 0..255. */
    public int[] toIndices() {
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            out[i] = labels[i] & 0xFF;
        }
        return out;
    }

    /** The labels as floats, for a regression on them: [N]. */
    public float[] toFloats() {
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            out[i] = labels[i] & 0xFF;
        }
        return out;
    }
}
