package io.isthmus.kernels.pool;

/**
 * The geometry of a 2-D pooling over x: [N, C, H, W] -> y: [N, C, outH, outW], validated as
 * PyTorch validates it (floor mode): {@code out = (in + 2 pad - dilation (kernel - 1) - 1) / stride + 1},
 * padding at most half the kernel, and at least one output per axis (a kernel larger than the
 * padded input is rejected). Build it with {@link #of}.
 *
 * @param n batch, c channels, h and w input height and width
 * @param kh kernel height, kw kernel width
 * @param sh vertical stride, sw horizontal stride
 * @param ph padding at the top and bottom, pw at the left and right
 * @param dh vertical dilation, dw horizontal dilation (1 = a dense window)
 * @param outH output height, outW output width
 */
public record PoolShape(int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw,
                        int outH, int outW) {

    /**
     * The geometry for an input [n, c, h, w], or an IllegalArgumentException naming the bad
     * setting and the values.
     */
    public static PoolShape of(int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw,
                               int dh, int dw) {
        if (n < 0 || c < 0 || h < 1 || w < 1) {
            throw new IllegalArgumentException("pooling needs an input [N, C, H, W] with H, W >= 1 and N, C >= 0, got ["
                    + n + ", " + c + ", " + h + ", " + w + "]");
        }
        if (kh < 1 || kw < 1) {
            throw new IllegalArgumentException("pooling kernel must be positive, got " + kh + "x" + kw);
        }
        if (sh < 1 || sw < 1) {
            throw new IllegalArgumentException("pooling stride must be positive, got " + sh + "x" + sw);
        }
        if (dh < 1 || dw < 1) {
            throw new IllegalArgumentException("pooling dilation must be positive, got " + dh + "x" + dw);
        }
        if (ph < 0 || pw < 0) {
            throw new IllegalArgumentException("pooling padding must be >= 0, got " + ph + "x" + pw);
        }
        if (ph > kh / 2 || pw > kw / 2) {
            throw new IllegalArgumentException("pooling padding must be at most half the kernel (PyTorch's rule), got padding "
                    + ph + "x" + pw + " for kernel " + kh + "x" + kw);
        }
        int outH = outSize(h, kh, sh, ph, dh);
        int outW = outSize(w, kw, sw, pw, dw);
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException("pooling kernel " + kh + "x" + kw + " (dilation " + dh + "x" + dw
                    + ", effective " + ((kh - 1) * dh + 1) + "x" + ((kw - 1) * dw + 1) + ") is larger than the padded input "
                    + (h + 2 * ph) + "x" + (w + 2 * pw) + " (input " + h + "x" + w + ", padding " + ph + "x" + pw
                    + "): the output would be " + outH + "x" + outW);
        }
        return new PoolShape(n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, outH, outW);
    }

    /** floor((in + 2 pad - dilation (kernel - 1) - 1) / stride) + 1, rounding toward minus infinity. */
    static int outSize(int in, int kernel, int stride, int pad, int dilation) {
        long span = (long) in + 2L * pad - (long) dilation * (kernel - 1) - 1;
        return (int) (Math.floorDiv(span, stride) + 1);
    }

    /** N * C: the number of [H, W] planes. */
    public int planes() {
        return n * c;
    }

    /** H * W. */
    public int inPlane() {
        return h * w;
    }

    /** outH * outW. */
    public int outPlane() {
        return outH * outW;
    }

    /** Number of input elements, N C H W. */
    public int inSize() {
        return planes() * inPlane();
    }

    /** Number of output elements, N C outH outW. */
    public int outSize() {
        return planes() * outPlane();
    }
}
