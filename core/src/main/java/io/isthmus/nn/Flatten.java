package io.isthmus.nn;

import io.isthmus.tensor.Tensor;

/** [N, d1, d2, ...] -> [N, d1 * d2 * ...] (flattens from axis 1, like PyTorch's default). */
public class Flatten extends Layer {

    @Override
    protected Tensor compute(Tensor input) {
        if (input.dim() < 1) {
            throw new IllegalArgumentException("Flatten needs a tensor with a batch axis, got a scalar");
        }
        return input.reshape(input.size(0), -1);
    }
}
