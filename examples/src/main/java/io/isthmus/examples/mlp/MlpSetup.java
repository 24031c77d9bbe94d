package io.isthmus.examples.mlp;

import io.isthmus.examples.common.ImageData;
import io.isthmus.nn.Sequential;
import io.isthmus.train.Trainer;

/** What a trainer command works with once its options are applied. */
record MlpSetup(ImageData images, Sequential model, Trainer trainer) {
}
