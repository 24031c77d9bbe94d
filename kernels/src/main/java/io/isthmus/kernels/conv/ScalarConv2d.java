package io.isthmus.kernels.conv;

/**
 * The reference twin: direct seven-loop convolution (n, o, oh, ow, then c, kh, kw of the
 * patch), one output or one gradient element at a time, skipping taps that fall in the
 * padding. No GEMM, no threads, no scratch: slow, and obviously right. Sums run in float in
 * patch order, as a plain loop would.
 */
public final class ScalarConv2d extends Conv2dKernel {

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    void runForward(Conv2dShape s, float[] x, float[] weight, float[] bias, float[] y) {
        int oh = s.outHeight();
        int ow = s.outWidth();
        int og = s.groupOutChannels();
        int cg = s.groupInChannels();
        for (int n = 0; n < s.batch(); n++) {
            for (int o = 0; o < s.outChannels(); o++) {
                int firstChannel = (o / og) * cg;
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        float sum = bias == null ? 0f : bias[o];
                        for (int c = 0; c < cg; c++) {
                            for (int kh = 0; kh < s.kernelH(); kh++) {
                                int ih = i * s.strideH() - s.padH() + kh * s.dilationH();
                                if (ih < 0 || ih >= s.height()) {
                                    continue;
                                }
                                for (int kw = 0; kw < s.kernelW(); kw++) {
                                    int iw = j * s.strideW() - s.padW() + kw * s.dilationW();
                                    if (iw < 0 || iw >= s.width()) {
                                        continue;
                                    }
                                    sum += weight[weightIndex(s, o, c, kh, kw)]
                                            * x[inputIndex(s, n, firstChannel + c, ih, iw)];
                                }
                            }
                        }
                        y[((n * s.outChannels() + o) * oh + i) * ow + j] = sum;
                    }
                }
            }
        }
    }

    @Override
    void runBackward(Conv2dShape s, float[] x, float[] weight, float[] dy,
                     float[] dx, float[] dWeight, float[] dBias) {
        if (dx != null) {
            backwardData(s, weight, dy, dx);
        }
        if (dWeight != null) {
            backwardWeights(s, x, dy, dWeight);
        }
        if (dBias != null) {
            backwardBias(s, dy, dBias);
        }
    }

    /** dx[n, c, ih, iw] = sum over the (o, oh, ow, kh, kw) that read it of w[o, c, kh, kw] * dy[n, o, oh, ow]. */
    private static void backwardData(Conv2dShape s, float[] weight, float[] dy, float[] dx) {
        java.util.Arrays.fill(dx, 0f);
        int oh = s.outHeight();
        int ow = s.outWidth();
        int og = s.groupOutChannels();
        int cg = s.groupInChannels();
        for (int n = 0; n < s.batch(); n++) {
            for (int o = 0; o < s.outChannels(); o++) {
                int firstChannel = (o / og) * cg;
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        float g = dy[((n * s.outChannels() + o) * oh + i) * ow + j];
                        for (int c = 0; c < cg; c++) {
                            for (int kh = 0; kh < s.kernelH(); kh++) {
                                int ih = i * s.strideH() - s.padH() + kh * s.dilationH();
                                if (ih < 0 || ih >= s.height()) {
                                    continue;
                                }
                                for (int kw = 0; kw < s.kernelW(); kw++) {
                                    int iw = j * s.strideW() - s.padW() + kw * s.dilationW();
                                    if (iw < 0 || iw >= s.width()) {
                                        continue;
                                    }
                                    dx[inputIndex(s, n, firstChannel + c, ih, iw)] += weight[weightIndex(s, o, c, kh, kw)] * g;
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** dW[o, c, kh, kw] = sum over n, oh, ow of dy[n, o, oh, ow] * x[n, group's c, ih, iw]. */
    private static void backwardWeights(Conv2dShape s, float[] x, float[] dy, float[] dWeight) {
        int oh = s.outHeight();
        int ow = s.outWidth();
        int og = s.groupOutChannels();
        int cg = s.groupInChannels();
        for (int o = 0; o < s.outChannels(); o++) {
            int firstChannel = (o / og) * cg;
            for (int c = 0; c < cg; c++) {
                for (int kh = 0; kh < s.kernelH(); kh++) {
                    for (int kw = 0; kw < s.kernelW(); kw++) {
                        float sum = 0f;
                        for (int n = 0; n < s.batch(); n++) {
                            for (int i = 0; i < oh; i++) {
                                int ih = i * s.strideH() - s.padH() + kh * s.dilationH();
                                if (ih < 0 || ih >= s.height()) {
                                    continue;
                                }
                                for (int j = 0; j < ow; j++) {
                                    int iw = j * s.strideW() - s.padW() + kw * s.dilationW();
                                    if (iw < 0 || iw >= s.width()) {
                                        continue;
                                    }
                                    sum += dy[((n * s.outChannels() + o) * oh + i) * ow + j]
                                            * x[inputIndex(s, n, firstChannel + c, ih, iw)];
                                }
                            }
                        }
                        dWeight[weightIndex(s, o, c, kh, kw)] = sum;
                    }
                }
            }
        }
    }

    /** dBias[o] = sum over n, oh, ow of dy[n, o, oh, ow]. */
    private static void backwardBias(Conv2dShape s, float[] dy, float[] dBias) {
        int plane = s.outHeight() * s.outWidth();
        for (int o = 0; o < s.outChannels(); o++) {
            float sum = 0f;
            for (int n = 0; n < s.batch(); n++) {
                int base = (n * s.outChannels() + o) * plane;
                for (int p = 0; p < plane; p++) {
                    sum += dy[base + p];
                }
            }
            dBias[o] = sum;
        }
    }

    private static int inputIndex(Conv2dShape s, int n, int c, int ih, int iw) {
        return ((n * s.inChannels() + c) * s.height() + ih) * s.width() + iw;
    }

    private static int weightIndex(Conv2dShape s, int o, int c, int kh, int kw) {
        return ((o * s.groupInChannels() + c) * s.kernelH() + kh) * s.kernelW() + kw;
    }
}
