package io.isthmus.nn;

import io.isthmus.ops.Conv;
import io.isthmus.ops.Conv2dOptions;
import io.isthmus.tensor.Seeds;
import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

import java.util.SplittableRandom;

/**
 * 2-D convolution layer with PyTorch's knobs, names and initialization:
 * x: [N, inChannels, H, W] (or [inChannels, H, W]) -> y: [N, outChannels, OH, OW];
 * weight: [outChannels, inChannels / groups, kH, kW], bias: [outChannels]. Weight and bias are
 * uniform in ±1/sqrt(fanIn), fanIn = inChannels / groups * kH * kW (PyTorch's
 * kaiming_uniform with a = sqrt 5, and its bias rule).
 *
 * <pre>
 *   new Conv2d(3, 32, 3)                                        // stride 1, no padding
 *   Conv2d.builder(32, 64, 3).padding(1).stride(2).build()
 *   Conv2d.builder(64, 64, 3).padding(1).groups(64).bias(false).build()   // depthwise
 * </pre>
 */
public class Conv2d extends Layer {

    private final int inChannels;
    private final int outChannels;
    private final int kernelH;
    private final int kernelW;
    private final Conv2dOptions options;
    private final Tensor weight;
    private final Tensor bias;

    /** A square kernel, stride 1, no padding, with bias, initialized from {@link Seeds#next()}. */
    public Conv2d(int inChannels, int outChannels, int kernelSize) {
        this(builder(inChannels, outChannels, kernelSize));
    }

    private Conv2d(Builder b) {
        if (b.inChannels <= 0 || b.outChannels <= 0) {
            throw new IllegalArgumentException("Conv2d needs positive channel counts, got in=" + b.inChannels + ", out="
                    + b.outChannels);
        }
        if (b.kernelH <= 0 || b.kernelW <= 0) {
            throw new IllegalArgumentException("Conv2d needs a positive kernel size, got (" + b.kernelH + ", " + b.kernelW
                    + ")");
        }
        int groups = b.options.groups();
        if (b.inChannels % groups != 0) {
            throw new IllegalArgumentException("Conv2d: in_channels " + b.inChannels + " must be divisible by groups "
                    + groups);
        }
        if (b.outChannels % groups != 0) {
            throw new IllegalArgumentException("Conv2d: out_channels " + b.outChannels + " must be divisible by groups "
                    + groups);
        }
        this.inChannels = b.inChannels;
        this.outChannels = b.outChannels;
        this.kernelH = b.kernelH;
        this.kernelW = b.kernelW;
        this.options = b.options;
        SplittableRandom random = b.random != null ? b.random : Seeds.next();
        int groupIn = inChannels / groups;
        float bound = (float) (1 / Math.sqrt((double) groupIn * kernelH * kernelW));
        this.weight = registerParameter("weight",
                Tensor.uniform(random, -bound, bound, outChannels, groupIn, kernelH, kernelW));
        this.bias = b.bias ? registerParameter("bias", Tensor.uniform(random, -bound, bound, outChannels)) : null;
    }

    /** Settings for a square kernel: stride 1, no padding, dilation 1, one group, with bias, until changed. */
    public static Builder builder(int inChannels, int outChannels, int kernelSize) {
        return new Builder(inChannels, outChannels, kernelSize, kernelSize);
    }

    /** Settings for a kernelH x kernelW kernel. */
    public static Builder builder(int inChannels, int outChannels, int kernelH, int kernelW) {
        return new Builder(inChannels, outChannels, kernelH, kernelW);
    }

    @Override
    protected Tensor compute(Tensor input) {
        if ((input.dim() == 4 || input.dim() == 3) && input.size(input.dim() - 3) != inChannels) {
            throw new IllegalArgumentException("Conv2d(" + describe() + ") expects " + inChannels
                    + " input channels, got input " + Shape.str(input.shape()));
        }
        return Conv.conv2d(input, weight, bias, options);
    }

    public Tensor weight() {
        return weight;
    }

    /** The bias, or null when built without one. */
    public Tensor bias() {
        return bias;
    }

    public int inChannels() {
        return inChannels;
    }

    public int outChannels() {
        return outChannels;
    }

    /** {kH, kW}. */
    public int[] kernelSize() {
        return new int[]{kernelH, kernelW};
    }

    /** Stride, padding, dilation and groups as the op takes them. */
    public Conv2dOptions options() {
        return options;
    }

    /** PyTorch's repr: {@code 3, 32, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1)}, defaults left out as there. */
    @Override
    public String describe() {
        StringBuilder s = new StringBuilder();
        s.append(inChannels).append(", ").append(outChannels)
                .append(", kernel_size=").append(pair(kernelH, kernelW))
                .append(", stride=").append(pair(options.strideH(), options.strideW()));
        if (options.padH() != 0 || options.padW() != 0) {
            s.append(", padding=").append(pair(options.padH(), options.padW()));
        }
        if (options.dilationH() != 1 || options.dilationW() != 1) {
            s.append(", dilation=").append(pair(options.dilationH(), options.dilationW()));
        }
        if (options.groups() != 1) {
            s.append(", groups=").append(options.groups());
        }
        if (bias == null) {
            s.append(", bias=False");
        }
        return s.toString();
    }

    private static String pair(int a, int b) {
        return "(" + a + ", " + b + ")";
    }

    /**
     * The layer's settings, immutable: each setter returns a new builder (so a partly set one can
     * be shared: {@code var same = Conv2d.builder(64, 64, 3).padding(1);}), and {@link #build()}
     * makes the layer and its random weights. Unset: stride 1, padding 0, dilation 1, groups 1,
     * bias on, random from {@link Seeds#next()} at build time.
     */
    public static final class Builder {

        private final int inChannels;
        private final int outChannels;
        private final int kernelH;
        private final int kernelW;
        private final Conv2dOptions options;
        private final boolean bias;
        private final SplittableRandom random;

        private Builder(int inChannels, int outChannels, int kernelH, int kernelW) {
            this(inChannels, outChannels, kernelH, kernelW, Conv2dOptions.DEFAULT, true, null);
        }

        private Builder(int inChannels, int outChannels, int kernelH, int kernelW, Conv2dOptions options, boolean bias,
                        SplittableRandom random) {
            this.inChannels = inChannels;
            this.outChannels = outChannels;
            this.kernelH = kernelH;
            this.kernelW = kernelW;
            this.options = options;
            this.bias = bias;
            this.random = random;
        }

        private Builder with(Conv2dOptions changed) {
            return new Builder(inChannels, outChannels, kernelH, kernelW, changed, bias, random);
        }

        public Builder stride(int both) {
            return with(options.stride(both));
        }

        public Builder stride(int height, int width) {
            return with(options.stride(height, width));
        }

        /** Zeros added on each side of the input, along both axes. */
        public Builder padding(int both) {
            return with(options.padding(both));
        }

        public Builder padding(int height, int width) {
            return with(options.padding(height, width));
        }

        public Builder dilation(int both) {
            return with(options.dilation(both));
        }

        public Builder dilation(int height, int width) {
            return with(options.dilation(height, width));
        }

        /** Input and output channels split into this many independent groups; groups == inChannels is depthwise. */
        public Builder groups(int count) {
            return with(options.groups(count));
        }

        /** Whether the layer has a bias (default true). */
        public Builder bias(boolean withBias) {
            return new Builder(inChannels, outChannels, kernelH, kernelW, options, withBias, random);
        }

        /**
         * The random numbers of the initialization (default: {@link Seeds#next()}, drawn when
         * building). The generator is used, not copied: two builds from it get different weights.
         */
        public Builder random(SplittableRandom source) {
            return new Builder(inChannels, outChannels, kernelH, kernelW, options, bias, source);
        }

        public Conv2d build() {
            return new Conv2d(this);
        }
    }
}
