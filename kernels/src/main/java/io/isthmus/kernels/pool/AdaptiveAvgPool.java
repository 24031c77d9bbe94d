package io.isthmus.kernels.pool;

import java.util.Arrays;

/**
 * PyTorch's adaptive average pooling, x: [planes, H, W] -> y: [planes, outH, outW]: output row
 * oh averages input rows [floor(oh H / outH), ceil((oh + 1) H / outH)), columns likewise, so
 * windows may differ in size and overlap. One plain implementation (sums in double); the global
 * average (outH = outW = 1), which conv nets use, runs on {@link PoolKernel#globalAvgForward}
 * instead, and the tests tie this class to both that and {@link PoolKernel#avgForward} where the
 * windows coincide.
 */
public final class AdaptiveAvgPool {

    private AdaptiveAvgPool() {
    }

    /** First input index of window o: floor(o * in / out). */
    static int start(int o, int in, int out) {
        return (int) ((long) o * in / out);
    }

    /** One past the last input index of window o: ceil((o + 1) * in / out). */
    static int end(int o, int in, int out) {
        return (int) (((long) (o + 1) * in + out - 1) / out);
    }

    public static void forward(int planes, int h, int w, int outH, int outW, float[] x, int xOff, float[] y, int yOff) {
        for (int p = 0; p < planes; p++) {
            int xPlane = xOff + p * h * w;
            int yPlane = yOff + p * outH * outW;
            for (int oh = 0; oh < outH; oh++) {
                int h0 = start(oh, h, outH);
                int h1 = end(oh, h, outH);
                for (int ow = 0; ow < outW; ow++) {
                    int w0 = start(ow, w, outW);
                    int w1 = end(ow, w, outW);
                    double sum = 0;
                    for (int ih = h0; ih < h1; ih++) {
                        for (int iw = w0; iw < w1; iw++) {
                            sum += x[xPlane + ih * w + iw];
                        }
                    }
                    y[yPlane + oh * outW + ow] = (float) (sum / ((h1 - h0) * (w1 - w0)));
                }
            }
        }
    }

    /** dx = each window's dy / its size, added over the windows that cover the element; writes all of dx. */
    public static void backward(int planes, int h, int w, int outH, int outW, float[] dy, int dyOff, float[] dx, int dxOff) {
        Arrays.fill(dx, dxOff, dxOff + planes * h * w, 0f);
        for (int p = 0; p < planes; p++) {
            int dxPlane = dxOff + p * h * w;
            int dyPlane = dyOff + p * outH * outW;
            for (int oh = 0; oh < outH; oh++) {
                int h0 = start(oh, h, outH);
                int h1 = end(oh, h, outH);
                for (int ow = 0; ow < outW; ow++) {
                    int w0 = start(ow, w, outW);
                    int w1 = end(ow, w, outW);
                    float share = dy[dyPlane + oh * outW + ow] / ((h1 - h0) * (w1 - w0));
                    for (int ih = h0; ih < h1; ih++) {
                        for (int iw = w0; iw < w1; iw++) {
                            dx[dxPlane + ih * w + iw] += share;
                        }
                    }
                }
            }
        }
    }
}
