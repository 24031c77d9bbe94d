package io.isthmus.examples.cnn;

import io.isthmus.nn.Conv2d;
import io.isthmus.nn.Dropout;
import io.isthmus.nn.Flatten;
import io.isthmus.nn.Linear;
import io.isthmus.nn.MaxPool2d;
import io.isthmus.nn.ReLU;
import io.isthmus.nn.Sequential;

/**
 * The W6 reference CNN for 28x28 grey images (the model of the PyTorch anchor
 * {@code w6_cnn_fmnist.py}, 225,034 parameters):
 * <pre>
 * [N, 1, 28, 28] -> Conv2d(1, 32, 3) -> ReLU -> MaxPool2d(2)    26x26 -> 13x13
 *                -> Conv2d(32, 64, 3) -> ReLU -> MaxPool2d(2)   11x11 -> 5x5
 *                -> Flatten (1600) -> Linear(1600, 128) -> ReLU -> Dropout(0.5) -> Linear(128, 10)
 * </pre>
 */
final class Cnn {

    static final String DESCRIPTION = "conv3x3(32)-pool-conv3x3(64)-pool-128-dropout0.5-10";

    private Cnn() {
    }

    static Sequential build(int classes) {
        return new Sequential(
                new Conv2d(1, 32, 3), new ReLU(), new MaxPool2d(2),
                new Conv2d(32, 64, 3), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Linear(64 * 5 * 5, 128), new ReLU(), new Dropout(0.5f), new Linear(128, classes));
    }
}
