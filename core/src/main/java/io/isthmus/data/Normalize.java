package io.isthmus.data;

import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * torchvision's {@code Normalize(mean, std)} for a batch field [B, C, ...] (by default
 * {@code inputs}): each value of channel c becomes {@code (x - mean[c]) / std[c]}, computed in
 * float as PyTorch does, in the batch's own array. Not random: the same for training and
 * evaluation. {@link #fit} takes the statistics from a training set.
 */
public final class Normalize implements Transform {

    /** Samples gathered at a time by {@link #fit}. */
    private static final int FIT_CHUNK = 256;

    private final String field;
    private final float[] mean;
    private final float[] std;

    /** Normalizes {@code inputs} per channel; {@code mean} and {@code std} have one value per channel. */
    public Normalize(float[] mean, float[] std) {
        this(Batch.INPUTS, mean, std);
    }

    /** Normalizes field {@code field} [B, C, ...] per channel; {@code mean} and {@code std} have C values. */
    public Normalize(String field, float[] mean, float[] std) {
        this.field = ImageBatch.requireField(field);
        if (mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("need one mean and one std per channel (at least one), got "
                    + mean.length + " means " + Arrays.toString(mean) + " and " + std.length + " stds " + Arrays.toString(std));
        }
        for (int c = 0; c < mean.length; c++) {
            if (!Float.isFinite(mean[c]) || !(std[c] > 0) || !Float.isFinite(std[c])) {
                throw new IllegalArgumentException("channel " + c + " has mean " + mean[c] + " and std " + std[c]
                        + "; need a finite mean and a finite std > 0");
            }
        }
        this.mean = mean.clone();
        this.std = std.clone();
    }

    /** {@link #fit(Dataset, String)} of {@code inputs}. */
    public static Normalize fit(Dataset dataset) {
        return fit(dataset, Batch.INPUTS);
    }

    /**
     * The normalization that gives field {@code field} [C, ...] of {@code dataset} mean 0 and
     * std 1 in each channel: the channel's mean and population standard deviation (divided by
     * the count, not count - 1) over all its values in all samples, the torchvision
     * convention. Accumulated in double, chunk by chunk (Chan et al.'s pairwise update of the
     * squared deviations, which does not lose precision as sum-of-squares does), then rounded
     * to float.
     *
     * @throws IllegalArgumentException if the dataset is empty, the field is not a float field of
     *                                  rank &gt;= 1, or a channel is constant (std 0)
     */
    public static Normalize fit(Dataset dataset, String field) {
        Field f = dataset.field(field);
        int[] sampleShape = f.sampleShape();
        if (f.kind() != Field.Kind.FLOAT || sampleShape.length == 0) {
            throw new IllegalArgumentException("Normalize.fit needs a float field of samples [C, ...], but field " + f
                    + " is " + (f.kind() != Field.Kind.FLOAT ? "of indices" : "scalar"));
        }
        int n = dataset.size();
        if (n == 0) {
            throw new IllegalArgumentException("Normalize.fit needs at least one sample, " + dataset + " has none");
        }
        int fieldIndex = dataset.fields().indexOf(f);
        int channels = sampleShape[0];
        if (f.sampleSize() == 0) {
            throw new IllegalArgumentException("Normalize.fit: field " + f + " has no values to take statistics of");
        }
        int plane = f.sampleSize() / channels;
        long[] count = new long[channels];
        double[] means = new double[channels];
        double[] m2 = new double[channels];
        int[] order = Permutations.identity(n);
        BatchArrays full = BatchArrays.allocate(dataset.fields(), Math.min(FIT_CHUNK, n));
        for (int from = 0; from < n; from += FIT_CHUNK) {
            int k = Math.min(FIT_CHUNK, n - from);
            BatchArrays arrays = k == full.count() ? full : BatchArrays.allocate(dataset.fields(), k);
            dataset.gather(order, from, k, arrays);
            float[] x = arrays.floats(fieldIndex);
            for (int c = 0; c < channels; c++) {
                // this chunk's mean and squared deviations, then merged into the running ones
                double sum = 0;
                for (int i = 0; i < k; i++) {
                    int o = (i * channels + c) * plane;
                    for (int j = 0; j < plane; j++) {
                        sum += x[o + j];
                    }
                }
                long chunkCount = (long) k * plane;
                double chunkMean = sum / chunkCount;
                double chunkM2 = 0;
                for (int i = 0; i < k; i++) {
                    int o = (i * channels + c) * plane;
                    for (int j = 0; j < plane; j++) {
                        double d = x[o + j] - chunkMean;
                        chunkM2 += d * d;
                    }
                }
                long total = count[c] + chunkCount;
                double delta = chunkMean - means[c];
                means[c] += delta * chunkCount / total;
                m2[c] += chunkM2 + delta * delta * ((double) count[c] * chunkCount / total);
                count[c] = total;
            }
        }
        float[] mean = new float[channels];
        float[] std = new float[channels];
        for (int c = 0; c < channels; c++) {
            mean[c] = (float) means[c];
            std[c] = (float) Math.sqrt(m2[c] / count[c]);
            if (!(std[c] > 0)) {
                throw new IllegalArgumentException("channel " + c + " of field '" + field + "' is constant (" + means[c]
                        + ") over the " + n + " samples of " + dataset + ": std 0 cannot normalize");
            }
        }
        return new Normalize(field, mean, std);
    }

    /** The per-channel means (a copy). */
    public float[] mean() {
        return mean.clone();
    }

    /** The per-channel standard deviations (a copy). */
    public float[] std() {
        return std.clone();
    }

    /** The field it normalizes. */
    public String field() {
        return field;
    }

    @Override
    public Batch apply(Batch batch, SplittableRandom random) {
        Tensor x = batch.tensor(field);
        int[] s = x.shape();
        if (s.length < 2 || s[1] != mean.length) {
            throw new IllegalArgumentException("Normalize has " + mean.length + " channels but batch field '" + field
                    + "' is " + Shape.str(s) + (s.length < 2 ? " (need [B, C, ...])" : " (" + s[1] + " channels at axis 1)"));
        }
        float[] data = x.data();
        int plane = s[0] == 0 || s[1] == 0 ? 0 : data.length / (s[0] * s[1]);
        for (int i = 0; i < s[0]; i++) {
            for (int c = 0; c < mean.length; c++) {
                float m = mean[c];
                float d = std[c];
                int o = (i * mean.length + c) * plane;
                for (int j = o; j < o + plane; j++) {
                    data[j] = (data[j] - m) / d;
                }
            }
        }
        return batch;
    }

    @Override
    public String toString() {
        return "Normalize(" + field + ", mean " + Arrays.toString(mean) + ", std " + Arrays.toString(std) + ")";
    }
}
