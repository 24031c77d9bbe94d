package io.isthmus.kernels.conv;

import java.util.Arrays;

/**
 * The sizes and settings of one 2-D convolution over NCHW data, validated once: every kernel
 * trusts a shape it is given.
 *
 * <p>Layouts (PyTorch's): x: [N, C, H, W]; weight: [O, C / groups, KH, KW]; bias: [O];
 * y: [N, O, OH, OW] with {@code OH = (H + 2 padH - dilationH (KH - 1) - 1) / strideH + 1}
 * (the same along W). Input channel c belongs to group {@code c / (C / groups)}, output
 * channel o to group {@code o / (O / groups)}; each group sees only its own input channels.
 *
 * @param batch       N
 * @param inChannels  C
 * @param height      H
 * @param width       W
 * @param outChannels O
 * @param kernelH     KH
 * @param kernelW     KW
 */
public record Conv2dShape(int batch, int inChannels, int height, int width, int outChannels,
                          int kernelH, int kernelW, int strideH, int strideW, int padH, int padW,
                          int dilationH, int dilationW, int groups) {

    public Conv2dShape {
        if (batch < 0 || inChannels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("conv2d: input [N, C, H, W] = [" + batch + ", " + inChannels + ", "
                    + height + ", " + width + "] needs N >= 0 and C, H, W >= 1");
        }
        if (outChannels < 1 || kernelH < 1 || kernelW < 1) {
            throw new IllegalArgumentException("conv2d: out channels " + outChannels + " and kernel " + kernelH + "x"
                    + kernelW + " must be at least 1");
        }
        if (strideH < 1 || strideW < 1) {
            throw new IllegalArgumentException("conv2d: stride (" + strideH + ", " + strideW + ") must be at least 1");
        }
        if (padH < 0 || padW < 0) {
            throw new IllegalArgumentException("conv2d: padding (" + padH + ", " + padW + ") must not be negative");
        }
        if (dilationH < 1 || dilationW < 1) {
            throw new IllegalArgumentException("conv2d: dilation (" + dilationH + ", " + dilationW
                    + ") must be at least 1");
        }
        if (groups < 1) {
            throw new IllegalArgumentException("conv2d: groups must be at least 1, got " + groups);
        }
        if (inChannels % groups != 0) {
            throw new IllegalArgumentException("conv2d: in channels " + inChannels + " are not divisible by groups "
                    + groups);
        }
        if (outChannels % groups != 0) {
            throw new IllegalArgumentException("conv2d: out channels " + outChannels + " are not divisible by groups "
                    + groups);
        }
        checkFits("height", height, padH, kernelH, dilationH);
        checkFits("width", width, padW, kernelW, dilationW);
        // one output row of the column matrix (the smallest block the fast path makes) must fit an array
        long columns = (long) inChannels * kernelH * kernelW * outSize(width, padW, kernelW, dilationW, strideW);
        long outputs = (long) batch * outChannels * outSize(height, padH, kernelH, dilationH, strideH)
                * outSize(width, padW, kernelW, dilationW, strideW);
        long inputs = (long) batch * inChannels * height * width;
        if (outputs > Integer.MAX_VALUE || inputs > Integer.MAX_VALUE || columns > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("conv2d: input " + inputs + ", output " + outputs + " or column row "
                    + columns + " elements exceed a Java array");
        }
    }

    /** A square kernel with the same stride, padding and dilation along both axes. */
    public static Conv2dShape of(int batch, int inChannels, int height, int width, int outChannels, int kernel,
                                 int stride, int padding, int dilation, int groups) {
        return new Conv2dShape(batch, inChannels, height, width, outChannels, kernel, kernel, stride, stride,
                padding, padding, dilation, dilation, groups);
    }

    private static void checkFits(String axis, int size, int pad, int kernel, int dilation) {
        long span = (long) dilation * (kernel - 1) + 1;
        if (span > (long) size + 2L * pad) {
            throw new IllegalArgumentException("conv2d: kernel " + axis + " " + kernel + " with dilation " + dilation
                    + " spans " + span + " pixels, larger than the input " + axis + " " + size + " with padding " + pad
                    + " on each side (" + ((long) size + 2L * pad) + ")");
        }
    }

    private static int outSize(int size, int pad, int kernel, int dilation, int stride) {
        return (int) (((long) size + 2L * pad - (long) dilation * (kernel - 1) - 1) / stride + 1);
    }

    /** OH. */
    public int outHeight() {
        return outSize(height, padH, kernelH, dilationH, strideH);
    }

    /** OW. */
    public int outWidth() {
        return outSize(width, padW, kernelW, dilationW, strideW);
    }

    /** C / groups: the input channels each output channel sees. */
    public int groupInChannels() {
        return inChannels / groups;
    }

    /** O / groups. */
    public int groupOutChannels() {
        return outChannels / groups;
    }

    /** (C / groups) * KH * KW: one output channel's weights, the GEMM's inner dimension per group. */
    public int groupPatch() {
        return groupInChannels() * kernelH * kernelW;
    }

    /** C * H * W: one sample of x. */
    public int inputSampleSize() {
        return inChannels * height * width;
    }

    /** O * OH * OW: one sample of y. */
    public int outputSampleSize() {
        return outChannels * outHeight() * outWidth();
    }

    /** Elements of x: N * C * H * W. */
    public int inputSize() {
        return batch * inputSampleSize();
    }

    /** Elements of y: N * O * OH * OW. */
    public int outputSize() {
        return batch * outputSampleSize();
    }

    /** Elements of the weight: O * (C / groups) * KH * KW. */
    public int weightSize() {
        return outChannels * groupPatch();
    }

    /** The input shape [N, C, H, W]. */
    public int[] inputShape() {
        return new int[]{batch, inChannels, height, width};
    }

    /** The weight shape [O, C / groups, KH, KW]. */
    public int[] weightShape() {
        return new int[]{outChannels, groupInChannels(), kernelH, kernelW};
    }

    /** The output shape [N, O, OH, OW]. */
    public int[] outputShape() {
        return new int[]{batch, outChannels, outHeight(), outWidth()};
    }

    /** Multiply-adds of the forward pass: N * O * OH * OW * (C / groups) * KH * KW (each backward half costs as much). */
    public long macs() {
        return (long) outputSize() * groupPatch();
    }

    /** Depthwise: one input channel per group (groups == C), any number of output channels per group. */
    public boolean depthwise() {
        return groups == inChannels;
    }

    /** A 1x1 kernel at stride 1 without padding: y = W x per pixel, the input is already its own column matrix. */
    public boolean pointwise() {
        return kernelH == 1 && kernelW == 1 && strideH == 1 && strideW == 1 && padH == 0 && padW == 0;
    }

    /** "x [2, 3, 8, 8], weight [8, 3, 3, 3], stride (1, 1), padding (1, 1), dilation (1, 1), groups 1" for messages. */
    public String describe() {
        return "x " + Arrays.toString(inputShape()) + ", weight " + Arrays.toString(weightShape())
                + ", stride (" + strideH + ", " + strideW + "), padding (" + padH + ", " + padW + "), dilation ("
                + dilationH + ", " + dilationW + "), groups " + groups;
    }
}
