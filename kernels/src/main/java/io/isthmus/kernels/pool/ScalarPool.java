package io.isthmus.kernels.pool;

import java.util.Arrays;

/**
 * The oracle for {@link PoolKernel}: one output at a time, every window tap visited in row-major
 * order with a bounds check, on the calling thread. {@link FastPool} must give the same bits.
 */
public final class ScalarPool implements PoolKernel {

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void maxForward(PoolShape g, float[] x, int xOff, float[] y, int yOff, int[] argmax, int argmaxOff) {
        for (int p = 0; p < g.planes(); p++) {
            int xPlane = xOff + p * g.inPlane();
            for (int oh = 0; oh < g.outH(); oh++) {
                for (int ow = 0; ow < g.outW(); ow++) {
                    float max = Float.NEGATIVE_INFINITY;
                    int at = -1;
                    for (int i = 0; i < g.kh(); i++) {
                        int ih = oh * g.sh() - g.ph() + i * g.dh();
                        if (ih < 0 || ih >= g.h()) {
                            continue;
                        }
                        for (int j = 0; j < g.kw(); j++) {
                            int iw = ow * g.sw() - g.pw() + j * g.dw();
                            if (iw < 0 || iw >= g.w()) {
                                continue;
                            }
                            float v = x[xPlane + ih * g.w() + iw];
                            if (at < 0 || v > max || Float.isNaN(v)) {
                                max = v;
                                at = ih * g.w() + iw;
                            }
                        }
                    }
                    int o = p * g.outPlane() + oh * g.outW() + ow;
                    y[yOff + o] = max;
                    argmax[argmaxOff + o] = at;
                }
            }
        }
    }

    @Override
    public void maxBackward(PoolShape g, float[] dy, int dyOff, int[] argmax, int argmaxOff, float[] dx, int dxOff) {
        Arrays.fill(dx, dxOff, dxOff + g.inSize(), 0f);
        for (int p = 0; p < g.planes(); p++) {
            for (int q = 0; q < g.outPlane(); q++) {
                int o = p * g.outPlane() + q;
                int at = argmax[argmaxOff + o];
                if (at >= 0) {
                    dx[dxOff + p * g.inPlane() + at] += dy[dyOff + o];
                }
            }
        }
    }

    @Override
    public void avgForward(PoolShape g, boolean countIncludePad, float[] x, int xOff, float[] y, int yOff) {
        requireDense(g);
        for (int p = 0; p < g.planes(); p++) {
            int xPlane = xOff + p * g.inPlane();
            for (int oh = 0; oh < g.outH(); oh++) {
                for (int ow = 0; ow < g.outW(); ow++) {
                    float sum = 0f;
                    int count = 0;
                    for (int i = 0; i < g.kh(); i++) {
                        int ih = oh * g.sh() - g.ph() + i;
                        for (int j = 0; j < g.kw(); j++) {
                            int iw = ow * g.sw() - g.pw() + j;
                            if (ih >= 0 && ih < g.h() && iw >= 0 && iw < g.w()) {
                                sum += x[xPlane + ih * g.w() + iw];
                                count++;
                            }
                        }
                    }
                    int divisor = countIncludePad ? paddedCount(g, oh, ow) : count;
                    y[yOff + p * g.outPlane() + oh * g.outW() + ow] = count == 0 ? 0f : sum / divisor;
                }
            }
        }
    }

    @Override
    public void avgBackward(PoolShape g, boolean countIncludePad, float[] dy, int dyOff, float[] dx, int dxOff) {
        requireDense(g);
        Arrays.fill(dx, dxOff, dxOff + g.inSize(), 0f);
        for (int p = 0; p < g.planes(); p++) {
            int dxPlane = dxOff + p * g.inPlane();
            for (int oh = 0; oh < g.outH(); oh++) {
                for (int ow = 0; ow < g.outW(); ow++) {
                    int count = 0;
                    for (int i = 0; i < g.kh(); i++) {
                        int ih = oh * g.sh() - g.ph() + i;
                        for (int j = 0; j < g.kw(); j++) {
                            int iw = ow * g.sw() - g.pw() + j;
                            if (ih >= 0 && ih < g.h() && iw >= 0 && iw < g.w()) {
                                count++;
                            }
                        }
                    }
                    if (count == 0) {
                        continue;
                    }
                    int divisor = countIncludePad ? paddedCount(g, oh, ow) : count;
                    float share = dy[dyOff + p * g.outPlane() + oh * g.outW() + ow] / divisor;
                    for (int i = 0; i < g.kh(); i++) {
                        int ih = oh * g.sh() - g.ph() + i;
                        for (int j = 0; j < g.kw(); j++) {
                            int iw = ow * g.sw() - g.pw() + j;
                            if (ih >= 0 && ih < g.h() && iw >= 0 && iw < g.w()) {
                                dx[dxPlane + ih * g.w() + iw] += share;
                            }
                        }
                    }
                }
            }
        }
    }

    /** Window taps inside the padded input (PyTorch's count_include_pad divisor). */
    static int paddedCount(PoolShape g, int oh, int ow) {
        int h0 = oh * g.sh() - g.ph();
        int w0 = ow * g.sw() - g.pw();
        int h1 = Math.min(h0 + g.kh(), g.h() + g.ph());
        int w1 = Math.min(w0 + g.kw(), g.w() + g.pw());
        return (h1 - h0) * (w1 - w0);
    }

    static void requireDense(PoolShape g) {
        if (g.dh() != 1 || g.dw() != 1) {
            throw new IllegalArgumentException("average pooling has no dilation, got " + g.dh() + "x" + g.dw());
        }
    }

    @Override
    public void globalAvgForward(int planes, int size, float[] x, int xOff, float[] y, int yOff) {
        for (int p = 0; p < planes; p++) {
            double sum = 0;
            for (int i = 0; i < size; i++) {
                sum += x[xOff + p * size + i];
            }
            y[yOff + p] = (float) (sum / size);
        }
    }

    @Override
    public void globalAvgBackward(int planes, int size, float[] dy, int dyOff, float[] dx, int dxOff) {
        for (int p = 0; p < planes; p++) {
            float share = dy[dyOff + p] / size;
            for (int i = 0; i < size; i++) {
                dx[dxOff + p * size + i] = share;
            }
        }
    }
}
