package io.isthmus.loss;

/** How per-element losses combine, as PyTorch's {@code reduction} argument. */
public enum Reduction {
    /** The mean (for class-index losses: weighted by the targets' class weights, ignored targets excluded). */
    MEAN,
    /** The sum. */
    SUM,
    /** No reduction: one loss per element (per sample for class-index losses). */
    NONE
}
