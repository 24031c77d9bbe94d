package io.isthmus.train;

import io.isthmus.tensor.AnyTensor;
import io.isthmus.tensor.Tensor;

/** A quantity accumulated over batches (e.g. accuracy); reset at the start of each epoch. */
public interface Metric {

    /** The log key, e.g. "accuracy" (validation adds the "val_" prefix). */
    String name();

    /** Accumulates one batch. output: the model's output; target: the batch targets. */
    void update(Tensor output, AnyTensor target);

    /** The value over everything since {@link #reset()}. */
    double result();

    void reset();
}
