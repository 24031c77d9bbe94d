package io.isthmus.tensor;

/**
 * The op that made a tensor: its inputs and how to push the output's gradient back to them.
 * {@code backward} accumulates into the inputs' gradient buffers ({@link Tensor#gradBuffer()}),
 * only for inputs that require grad.
 */
public record Node(String op, Tensor[] inputs, Backward backward) {

    /** Gradient rule of one op; {@code gradOut} has the output's shape. */
    @FunctionalInterface
    public interface Backward {
        void apply(float[] gradOut);
    }
}
