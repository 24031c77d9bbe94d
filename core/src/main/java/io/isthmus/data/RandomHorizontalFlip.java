package io.isthmus.data;

import io.isthmus.tensor.Tensor;

import java.util.SplittableRandom;

/**
 * torchvision's {@code RandomHorizontalFlip(p)} for every sample of a batch field of images
 * [B, C, H, W] (by default {@code inputs}): with probability p a sample is mirrored left to
 * right, all its channels alike. One {@code nextDouble()} is drawn per sample, in batch order,
 * whatever p is; a sample is flipped when it is below p. Works in the batch's own array.
 */
public final class RandomHorizontalFlip implements Transform {

    private final String field;
    private final double p;

    /** Flips half the samples of {@code inputs}, as torchvision's default. */
    public RandomHorizontalFlip() {
        this(0.5);
    }

    /** Flips each sample of {@code inputs} with probability {@code p}. */
    public RandomHorizontalFlip(double p) {
        this(Batch.INPUTS, p);
    }

    /** Flips each sample of field {@code field} with probability {@code p}. */
    public RandomHorizontalFlip(String field, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("flip probability must be in [0, 1], got " + p);
        }
        this.field = ImageBatch.requireField(field);
        this.p = p;
    }

    @Override
    public Batch apply(Batch batch, SplittableRandom random) {
        Tensor x = ImageBatch.nchw(batch, field, "RandomHorizontalFlip");
        int[] s = x.shape();
        int rowsPerSample = s[1] * s[2];
        int w = s[3];
        float[] data = x.data();
        for (int i = 0; i < s[0]; i++) {
            if (random.nextDouble() < p) {
                for (int r = i * rowsPerSample; r < (i + 1) * rowsPerSample; r++) {
                    reverse(data, r * w, w);
                }
            }
        }
        return batch;
    }

    private static void reverse(float[] a, int from, int length) {
        for (int i = from, j = from + length - 1; i < j; i++, j--) {
            float t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    @Override
    public String toString() {
        return "RandomHorizontalFlip(" + field + ", p " + p + ")";
    }
}
