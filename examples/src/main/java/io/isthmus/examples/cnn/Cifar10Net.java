package io.isthmus.examples.cnn;

import io.isthmus.nn.BatchNorm2d;
import io.isthmus.nn.Conv2d;
import io.isthmus.nn.Dropout;
import io.isthmus.nn.Dropout2d;
import io.isthmus.nn.Flatten;
import io.isthmus.nn.Linear;
import io.isthmus.nn.MaxPool2d;
import io.isthmus.nn.ReLU;
import io.isthmus.nn.Sequential;

import java.util.StringJoiner;

/**
 * A small CNN for 32x32 colour images: three blocks of 3x3 convolution (padding 1), batch norm,
 * ReLU and 2x2 max pooling, widening 32, 64, 128 channels while halving the side 32, 16, 8, 4,
 * then Linear(2048, 128) + ReLU and Linear(128, classes). Dropout: Dropout2d(0.1) after each
 * block (whole channels), Dropout(0.5) before the last Linear. Without batch norm the
 * convolutions get biases (with it, the norm's shift makes them redundant, as in ResNets).
 */
final class Cifar10Net {

    private static final int[] WIDTHS = {32, 64, 128};
    private static final int HIDDEN = 128;
    private static final float CHANNEL_DROPOUT = 0.1f;
    private static final float DROPOUT = 0.5f;

    private Cifar10Net() {
    }

    /** {@code channels x side x side} images in, {@code classes} scores out; side must be divisible by 8. */
    static Sequential build(int channels, int side, int classes, boolean batchNorm, boolean dropout) {
        Sequential model = new Sequential();
        int in = channels;
        for (int width : WIDTHS) {
            model.add(Conv2d.builder(in, width, 3).padding(1).bias(!batchNorm).build());
            if (batchNorm) {
                model.add(new BatchNorm2d(width));
            }
            model.add(new ReLU()).add(new MaxPool2d(2));
            if (dropout) {
                model.add(new Dropout2d(CHANNEL_DROPOUT));
            }
            in = width;
        }
        int last = side >> WIDTHS.length;
        model.add(new Flatten()).add(new Linear(in * last * last, HIDDEN)).add(new ReLU());
        if (dropout) {
            model.add(new Dropout(DROPOUT));
        }
        return model.add(new Linear(HIDDEN, classes));
    }

    /** "conv32-bn-pool-drop2d, conv64-..., 128-drop-10": the layers {@link #build} makes, in short. */
    static String describe(int classes, boolean batchNorm, boolean dropout) {
        StringJoiner text = new StringJoiner(", ");
        for (int width : WIDTHS) {
            text.add("conv" + width + (batchNorm ? "-bn" : "") + "-pool" + (dropout ? "-drop2d" : ""));
        }
        return text.add(HIDDEN + (dropout ? "-drop" : "") + "-" + classes).toString();
    }
}
