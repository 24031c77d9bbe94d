package io.isthmus.data;

import java.util.Arrays;

/**
 * A token-id sequence cut in two in text order: the first part for training, the rest for
 * validation (no shuffling, so windows of the two never overlap).
 *
 * @param train      ids {@code [0, cut)}
 * @param validation ids {@code [cut, n)}
 */
public record TextSplit(int[] train, int[] validation) {

    /** The W7 script's fraction: the first 90% of the characters train. */
    public static final double W7_TRAIN_FRACTION = 0.9;

    /**
     * Splits {@code ids} at {@code cut = floor(n * trainFraction)}, as Python's
     * {@code int(len(ids) * 0.9)}; trainFraction in (0, 1], and both parts non-empty unless it is 1.
     */
    public static TextSplit of(int[] ids, double trainFraction) {
        if (!(trainFraction > 0 && trainFraction <= 1)) {
            throw new IllegalArgumentException("train fraction must be in (0, 1], got " + trainFraction);
        }
        int cut = (int) (ids.length * trainFraction);
        if (cut == 0 || (trainFraction < 1 && cut == ids.length)) {
            throw new IllegalArgumentException("splitting " + ids.length + " ids at fraction " + trainFraction
                    + " leaves " + (cut == 0 ? "no training ids" : "no validation ids"));
        }
        return new TextSplit(Arrays.copyOfRange(ids, 0, cut), Arrays.copyOfRange(ids, cut, ids.length));
    }
}
