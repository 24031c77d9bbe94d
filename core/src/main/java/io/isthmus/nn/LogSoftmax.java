package io.isthmus.nn;

import io.isthmus.tensor.Tensor;

/** Log-softmax along an axis (default: last); any shape. */
public class LogSoftmax extends Layer {

    private final int axis;

    public LogSoftmax() {
        this(-1);
    }

    public LogSoftmax(int axis) {
        this.axis = axis;
    }

    @Override
    protected Tensor compute(Tensor input) {
        return io.isthmus.ops.Softmax.logSoftmax(input, axis);
    }

    @Override
    public String describe() {
        return "axis=" + axis;
    }
}
