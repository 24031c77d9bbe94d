package io.isthmus.nn;

import io.isthmus.tensor.Tensor;

/**
 * A module with one tensor in and one tensor out, the building block of {@link Sequential}:
 * subclasses implement {@link #compute(Tensor)}, callers use {@link #forward(Tensor)}, which
 * also lets {@link #summary(int...)} see every layer's output shape.
 */
public abstract class Layer extends Module {

    /** The layer's computation; input and output shapes are documented by each layer. */
    protected abstract Tensor compute(Tensor input);

    /** Runs the layer (recording a graph when an input requires gradients and grad mode is on). */
    public final Tensor forward(Tensor input) {
        Tensor output = compute(input);
        Summary.record(this, output);
        return output;
    }

    /**
     * The output for {@code input} in inference mode, without a graph: dropout off, running
     * statistics used. The module's mode is restored afterwards.
     */
    public final Tensor predict(Tensor input) {
        return inference(() -> forward(input));
    }

    /**
     * Keras-style table of layers, output shapes and parameter counts, from one forward pass on
     * zeros of shape [1, inputShape...] (the sample shape, without the batch dimension).
     */
    public String summary(int... inputShape) {
        int[] batchOfOne = new int[inputShape.length + 1];
        batchOfOne[0] = 1;
        System.arraycopy(inputShape, 0, batchOfOne, 1, inputShape.length);
        return summary(() -> forward(Tensor.zeros(batchOfOne)));
    }
}
