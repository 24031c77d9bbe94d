package io.isthmus.kernels.pool;

import io.isthmus.kernels.Threads;

import java.util.Arrays;

/**
 * The fast {@link PoolKernel}: each window's valid rows and columns are clipped once per output
 * (no check per tap), the taps run along contiguous input rows, nothing is allocated per
 * element, and above {@link #SPLIT_WORK} taps the [H, W] planes (N * C of them) are split
 * across {@link Threads}; each plane is written by one thread only. Plain loops: a pooling
 * window is a few taps, too short for vector lanes to pay off over what the JIT makes of these.
 * Gives the same bits as {@link ScalarPool} (same tap order, same arithmetic), except that the
 * global average sums with four double accumulators (within an ulp).
 */
public class FastPool implements PoolKernel {

    /** Below this many taps (outputs times window size) one thread does all planes. */
    static final long SPLIT_WORK = 1L << 15;

    @Override
    public String name() {
        return "fast";
    }

    /** body(plane) for every plane, across threads when the work is worth it. */
    protected static void forPlanes(int planes, long work, java.util.function.IntConsumer body) {
        if (planes > 1 && work >= SPLIT_WORK && Threads.count() > 1) {
            Threads.parallelFor(planes, body);
        } else {
            for (int p = 0; p < planes; p++) {
                body.accept(p);
            }
        }
    }

    /** First window tap index k with start + k * dilation >= 0. */
    private static int firstTap(int start, int dilation) {
        if (start >= 0) {
            return 0;
        }
        // no integer division for dense windows: it would cost more than a 2x2 window's taps
        return dilation == 1 ? -start : (-start + dilation - 1) / dilation;
    }

    /** One past the last window tap index k < kernel with start + k * dilation < size. */
    private static int endTap(int start, int dilation, int kernel, int size) {
        int last = size - 1 - start;
        if (last < 0) {
            return 0;
        }
        return Math.min(kernel, dilation == 1 ? last + 1 : last / dilation + 1);
    }

    @Override
    public void maxForward(PoolShape g, float[] x, int xOff, float[] y, int yOff, int[] argmax, int argmaxOff) {
        forPlanes(g.planes(), (long) g.outSize() * g.kh() * g.kw(),
                p -> maxPlane(g, x, xOff + p * g.inPlane(), y, yOff + p * g.outPlane(), argmax, argmaxOff + p * g.outPlane()));
    }

    private static void maxPlane(PoolShape g, float[] x, int xPlane, float[] y, int yPlane, int[] argmax, int aPlane) {
        int w = g.w();
        int dh = g.dh();
        int dw = g.dw();
        int o = 0;
        for (int oh = 0; oh < g.outH(); oh++) {
            int h0 = oh * g.sh() - g.ph();
            int iLo = firstTap(h0, dh);
            int iHi = endTap(h0, dh, g.kh(), g.h());
            for (int ow = 0; ow < g.outW(); ow++, o++) {
                int w0 = ow * g.sw() - g.pw();
                int jLo = firstTap(w0, dw);
                int jHi = endTap(w0, dw, g.kw(), w);
                float max = Float.NEGATIVE_INFINITY;
                int at = -1;
                if (iLo < iHi && jLo < jHi) {
                    at = (h0 + iLo * dh) * w + w0 + jLo * dw;
                    max = x[xPlane + at];
                    for (int i = iLo; i < iHi; i++) {
                        int row = (h0 + i * dh) * w + w0;
                        for (int j = jLo; j < jHi; j++) {
                            int idx = row + j * dw;
                            float v = x[xPlane + idx];
                            if (v > max || Float.isNaN(v)) {
                                max = v;
                                at = idx;
                            }
                        }
                    }
                }
                y[yPlane + o] = max;
                argmax[aPlane + o] = at;
            }
        }
    }

    @Override
    public void maxBackward(PoolShape g, float[] dy, int dyOff, int[] argmax, int argmaxOff, float[] dx, int dxOff) {
        forPlanes(g.planes(), (long) g.inSize() + g.outSize(), p -> {
            int dxPlane = dxOff + p * g.inPlane();
            int o = p * g.outPlane();
            Arrays.fill(dx, dxPlane, dxPlane + g.inPlane(), 0f);
            for (int q = 0; q < g.outPlane(); q++) {
                int at = argmax[argmaxOff + o + q];
                if (at >= 0) {
                    dx[dxPlane + at] += dy[dyOff + o + q];
                }
            }
        });
    }

    @Override
    public void avgForward(PoolShape g, boolean countIncludePad, float[] x, int xOff, float[] y, int yOff) {
        ScalarPool.requireDense(g);
        forPlanes(g.planes(), (long) g.outSize() * g.kh() * g.kw(), p -> {
            int xPlane = xOff + p * g.inPlane();
            int yPlane = yOff + p * g.outPlane();
            int w = g.w();
            int o = 0;
            for (int oh = 0; oh < g.outH(); oh++) {
                int h0 = oh * g.sh() - g.ph();
                int hLo = Math.max(h0, 0);
                int hHi = Math.min(h0 + g.kh(), g.h());
                int padH = Math.min(h0 + g.kh(), g.h() + g.ph()) - h0;
                for (int ow = 0; ow < g.outW(); ow++, o++) {
                    int w0 = ow * g.sw() - g.pw();
                    int wLo = Math.max(w0, 0);
                    int wHi = Math.min(w0 + g.kw(), w);
                    float sum = 0f;
                    for (int ih = hLo; ih < hHi; ih++) {
                        int row = xPlane + ih * w;
                        for (int iw = wLo; iw < wHi; iw++) {
                            sum += x[row + iw];
                        }
                    }
                    int count = Math.max(hHi - hLo, 0) * Math.max(wHi - wLo, 0);
                    int divisor = countIncludePad ? padH * (Math.min(w0 + g.kw(), w + g.pw()) - w0) : count;
                    y[yPlane + o] = count == 0 ? 0f : sum / divisor;
                }
            }
        });
    }

    @Override
    public void avgBackward(PoolShape g, boolean countIncludePad, float[] dy, int dyOff, float[] dx, int dxOff) {
        ScalarPool.requireDense(g);
        forPlanes(g.planes(), (long) g.outSize() * g.kh() * g.kw() + g.inSize(), p -> {
            int dxPlane = dxOff + p * g.inPlane();
            int dyPlane = dyOff + p * g.outPlane();
            int w = g.w();
            Arrays.fill(dx, dxPlane, dxPlane + g.inPlane(), 0f);
            int o = 0;
            for (int oh = 0; oh < g.outH(); oh++) {
                int h0 = oh * g.sh() - g.ph();
                int hLo = Math.max(h0, 0);
                int hHi = Math.min(h0 + g.kh(), g.h());
                int padH = Math.min(h0 + g.kh(), g.h() + g.ph()) - h0;
                for (int ow = 0; ow < g.outW(); ow++, o++) {
                    int w0 = ow * g.sw() - g.pw();
                    int wLo = Math.max(w0, 0);
                    int wHi = Math.min(w0 + g.kw(), w);
                    int count = Math.max(hHi - hLo, 0) * Math.max(wHi - wLo, 0);
                    if (count == 0) {
                        continue;
                    }
                    int divisor = countIncludePad ? padH * (Math.min(w0 + g.kw(), w + g.pw()) - w0) : count;
                    float share = dy[dyPlane + o] / divisor;
                    for (int ih = hLo; ih < hHi; ih++) {
                        int row = dxPlane + ih * w;
                        for (int iw = wLo; iw < wHi; iw++) {
                            dx[row + iw] += share;
                        }
                    }
                }
            }
        });
    }

    @Override
    public void globalAvgForward(int planes, int size, float[] x, int xOff, float[] y, int yOff) {
        forPlanes(planes, (long) planes * size, p -> {
            int from = xOff + p * size;
            // four independent chains: a double add's latency, not its throughput, bounds one chain
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            int i = 0;
            for (; i + 3 < size; i += 4) {
                s0 += x[from + i];
                s1 += x[from + i + 1];
                s2 += x[from + i + 2];
                s3 += x[from + i + 3];
            }
            for (; i < size; i++) {
                s0 += x[from + i];
            }
            y[yOff + p] = (float) ((s0 + s1 + (s2 + s3)) / size);
        });
    }

    @Override
    public void globalAvgBackward(int planes, int size, float[] dy, int dyOff, float[] dx, int dxOff) {
        forPlanes(planes, (long) planes * size, p -> {
            int from = dxOff + p * size;
            Arrays.fill(dx, from, from + size, dy[dyOff + p] / size);
        });
    }
}
