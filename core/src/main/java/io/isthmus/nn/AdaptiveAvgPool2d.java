package io.isthmus.nn;

import io.isthmus.ops.Pooling;
import io.isthmus.tensor.Tensor;

/**
 * PyTorch's AdaptiveAvgPool2d: [.., H, W] -> [.., outH, outW] whatever H and W are, output (i, j)
 * averaging rows [floor(i H / outH), ceil((i + 1) H / outH)) and the columns likewise.
 * {@code new AdaptiveAvgPool2d(1)} is global average pooling, [N, C, H, W] -> [N, C, 1, 1].
 */
public class AdaptiveAvgPool2d extends Layer {

    private final int outH;
    private final int outW;

    public AdaptiveAvgPool2d(int outputSize) {
        this(outputSize, outputSize);
    }

    public AdaptiveAvgPool2d(int outH, int outW) {
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException("AdaptiveAvgPool2d output size must be positive, got " + outH + "x" + outW);
        }
        this.outH = outH;
        this.outW = outW;
    }

    @Override
    protected Tensor compute(Tensor input) {
        return Pooling.adaptiveAvgPool2d(input, outH, outW);
    }

    @Override
    public String describe() {
        return "output=" + Pairs.str(new int[]{outH, outW});
    }
}
