package io.isthmus.nn;

import io.isthmus.tensor.Tensor;

/** Softmax along an axis (default: last); any shape. */
public class Softmax extends Layer {

    private final int axis;

    public Softmax() {
        this(-1);
    }

    public Softmax(int axis) {
        this.axis = axis;
    }

    @Override
    protected Tensor compute(Tensor input) {
        return io.isthmus.ops.Softmax.softmax(input, axis);
    }

    @Override
    public String describe() {
        return "axis=" + axis;
    }
}
