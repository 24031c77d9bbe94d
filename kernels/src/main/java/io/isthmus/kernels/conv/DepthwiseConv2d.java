package io.isthmus.kernels.conv;

import io.isthmus.kernels.elementwise.Elementwise;

import java.util.Arrays;

/**
 * Depthwise convolution (groups == C: each input channel feeds its own {@code O / C} output
 * channels) as direct loops. im2col would copy every input pixel KH * KW times to feed GEMMs
 * of one row each (Og x OW x KH*KW), all overhead; here each output row is built from KH * KW
 * shifted axpys of input rows, which stay in L1, and at stride 1 each axpy is a unit-stride
 * loop the JIT vectorizes.
 *
 * <p>Weight: [O, 1, KH, KW]; output channel o = c * (O / C) + m reads input channel c.
 */
final class DepthwiseConv2d {

    private final Conv2dShape s;
    private final Elementwise k;
    /** Per kernel column kw: its input column offset and the output columns [lo, hi) it reads inside the input. */
    private final int[] offset;
    private final int[] lo;
    private final int[] hi;

    DepthwiseConv2d(Conv2dShape s, Elementwise k) {
        this.s = s;
        this.k = k;
        int kernelW = s.kernelW();
        offset = new int[kernelW];
        lo = new int[kernelW];
        hi = new int[kernelW];
        for (int kw = 0; kw < kernelW; kw++) {
            int off = kw * s.dilationW() - s.padW();
            int first = off >= 0 ? 0 : Math.min(s.outWidth(), (-off + s.strideW() - 1) / s.strideW());
            int last = s.width() - 1 - off;
            int end = last < 0 ? 0 : Math.min(s.outWidth(), last / s.strideW() + 1);
            offset[kw] = off;
            lo[kw] = first;
            hi[kw] = Math.max(first, end);
        }
    }

    private int inputRow(int i, int kh) {
        return i * s.strideH() - s.padH() + kh * s.dilationH();
    }

    /** y for samples [n0, n1). */
    void forward(float[] x, float[] weight, float[] bias, float[] y, int n0, int n1) {
        int multiplier = s.groupOutChannels();
        int inPlane = s.height() * s.width();
        int outPlane = s.outHeight() * s.outWidth();
        int ow = s.outWidth();
        int sw = s.strideW();
        int taps = s.kernelH() * s.kernelW();
        for (int n = n0; n < n1; n++) {
            for (int c = 0; c < s.inChannels(); c++) {
                int xPlane = (n * s.inChannels() + c) * inPlane;
                for (int m = 0; m < multiplier; m++) {
                    int o = c * multiplier + m;
                    int yPlane = (n * s.outChannels() + o) * outPlane;
                    Arrays.fill(y, yPlane, yPlane + outPlane, bias == null ? 0f : bias[o]);
                    for (int i = 0; i < s.outHeight(); i++) {
                        int yRow = yPlane + i * ow;
                        for (int kh = 0; kh < s.kernelH(); kh++) {
                            int ih = inputRow(i, kh);
                            if (ih < 0 || ih >= s.height()) {
                                continue;
                            }
                            for (int kw = 0; kw < s.kernelW(); kw++) {
                                float wv = weight[o * taps + kh * s.kernelW() + kw];
                                int xRow = xPlane + ih * s.width() + offset[kw];
                                int from = lo[kw];
                                int to = hi[kw];
                                if (sw == 1) {
                                    for (int j = from; j < to; j++) {
                                        y[yRow + j] += wv * x[xRow + j];
                                    }
                                } else {
                                    for (int j = from; j < to; j++) {
                                        y[yRow + j] += wv * x[xRow + j * sw];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * For samples [n0, n1): dx written (when not null); the weight and bias gradients of these
     * samples written into {@code dWeight} and {@code dBias} (when not null; overwritten, not accumulated).
     */
    void backward(float[] x, float[] weight, float[] dy, float[] dx, float[] dWeight, float[] dBias, int n0, int n1) {
        int multiplier = s.groupOutChannels();
        int inPlane = s.height() * s.width();
        int outPlane = s.outHeight() * s.outWidth();
        int ow = s.outWidth();
        int sw = s.strideW();
        int taps = s.kernelH() * s.kernelW();
        if (dWeight != null) {
            Arrays.fill(dWeight, 0f);
        }
        if (dBias != null) {
            Arrays.fill(dBias, 0f);
        }
        for (int n = n0; n < n1; n++) {
            for (int c = 0; c < s.inChannels(); c++) {
                int xPlane = (n * s.inChannels() + c) * inPlane;
                if (dx != null) {
                    Arrays.fill(dx, xPlane, xPlane + inPlane, 0f);
                }
                for (int m = 0; m < multiplier; m++) {
                    int o = c * multiplier + m;
                    int yPlane = (n * s.outChannels() + o) * outPlane;
                    if (dBias != null) {
                        dBias[o] += k.sum(dy, yPlane, outPlane);
                    }
                    if (dx == null && dWeight == null) {
                        continue;
                    }
                    for (int i = 0; i < s.outHeight(); i++) {
                        int yRow = yPlane + i * ow;
                        for (int kh = 0; kh < s.kernelH(); kh++) {
                            int ih = inputRow(i, kh);
                            if (ih < 0 || ih >= s.height()) {
                                continue;
                            }
                            for (int kw = 0; kw < s.kernelW(); kw++) {
                                int w = o * taps + kh * s.kernelW() + kw;
                                int xRow = xPlane + ih * s.width() + offset[kw];
                                int from = lo[kw];
                                int to = hi[kw];
                                if (dx != null) {
                                    addScaledRow(weight[w], dy, yRow, dx, xRow, from, to, sw);
                                }
                                if (dWeight != null) {
                                    dWeight[w] += sw == 1
                                            ? k.dot(dy, yRow + from, x, xRow + from, to - from)
                                            : stridedDot(dy, yRow, x, xRow, from, to, sw);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** dx[xRow + j * sw] += wv * dy[yRow + j] for j in [from, to). */
    private static void addScaledRow(float wv, float[] dy, int yRow, float[] dx, int xRow, int from, int to, int sw) {
        if (sw == 1) {
            for (int j = from; j < to; j++) {
                dx[xRow + j] += wv * dy[yRow + j];
            }
        } else {
            for (int j = from; j < to; j++) {
                dx[xRow + j * sw] += wv * dy[yRow + j];
            }
        }
    }

    private static float stridedDot(float[] dy, int yRow, float[] x, int xRow, int from, int to, int sw) {
        float sum = 0f;
        for (int j = from; j < to; j++) {
            sum += dy[yRow + j] * x[xRow + j * sw];
        }
        return sum;
    }
}
