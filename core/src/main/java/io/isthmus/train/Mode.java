package io.isthmus.train;

/**
 * Whether a monitored metric is better when lower ({@link #MIN}) or higher ({@link #MAX});
 * {@link #AUTO} decides from the metric's name as Keras does (see {@link Monitor#of}).
 */
public enum Mode {
    /** Lower is better: losses, errors. */
    MIN,
    /** Higher is better: accuracies, AUC. */
    MAX,
    /**
     * Higher is better when the name contains "acc" or "auc" or starts with "fmeasure" (after an
     * optional "val_"); lower otherwise.
     */
    AUTO
}
