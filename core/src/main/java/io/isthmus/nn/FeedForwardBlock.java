package io.isthmus.nn;

import io.isthmus.ops.Activations;
import io.isthmus.tensor.Tensor;

/** The position-wise feed-forward of a transformer layer: linear2(dropout(activation(linear1(x)))). Package-private helper. */
final class FeedForwardBlock {

    private FeedForwardBlock() {
    }

    static Tensor apply(Tensor x, Linear linear1, Linear linear2, Dropout dropout, String activation) {
        Tensor hidden = linear1.forward(x);
        hidden = activation.equals("gelu") ? Activations.gelu(hidden) : Activations.relu(hidden);
        return linear2.forward(dropout.forward(hidden));
    }

    static String checkActivation(String activation) {
        if (!activation.equals("relu") && !activation.equals("gelu")) {
            throw new IllegalArgumentException("transformer activation must be relu or gelu, got '" + activation + "'");
        }
        return activation;
    }
}
