package io.isthmus.ops;

/**
 * The settings of {@link Conv#conv2d}, as PyTorch's {@code F.conv2d} takes them: stride,
 * zero padding (added on both sides), dilation, each per axis (height, width), and groups.
 * Immutable; each setter returns a copy: {@code Conv2dOptions.DEFAULT.stride(2).padding(1)}.
 */
public record Conv2dOptions(int strideH, int strideW, int padH, int padW, int dilationH, int dilationW, int groups) {

    /** Stride 1, no padding, dilation 1, one group. */
    public static final Conv2dOptions DEFAULT = new Conv2dOptions(1, 1, 0, 0, 1, 1, 1);

    public Conv2dOptions {
        if (strideH < 1 || strideW < 1) {
            throw new IllegalArgumentException("conv2d: stride must be at least 1, got (" + strideH + ", " + strideW + ")");
        }
        if (padH < 0 || padW < 0) {
            throw new IllegalArgumentException("conv2d: padding must not be negative, got (" + padH + ", " + padW + ")");
        }
        if (dilationH < 1 || dilationW < 1) {
            throw new IllegalArgumentException("conv2d: dilation must be at least 1, got (" + dilationH + ", "
                    + dilationW + ")");
        }
        if (groups < 1) {
            throw new IllegalArgumentException("conv2d: groups must be at least 1, got " + groups);
        }
    }

    public Conv2dOptions stride(int both) {
        return stride(both, both);
    }

    public Conv2dOptions stride(int height, int width) {
        return new Conv2dOptions(height, width, padH, padW, dilationH, dilationW, groups);
    }

    public Conv2dOptions padding(int both) {
        return padding(both, both);
    }

    public Conv2dOptions padding(int height, int width) {
        return new Conv2dOptions(strideH, strideW, height, width, dilationH, dilationW, groups);
    }

    public Conv2dOptions dilation(int both) {
        return dilation(both, both);
    }

    public Conv2dOptions dilation(int height, int width) {
        return new Conv2dOptions(strideH, strideW, padH, padW, height, width, groups);
    }

    public Conv2dOptions groups(int count) {
        return new Conv2dOptions(strideH, strideW, padH, padW, dilationH, dilationW, count);
    }
}
