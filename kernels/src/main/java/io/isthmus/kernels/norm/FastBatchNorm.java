package io.isthmus.kernels.norm;

import io.isthmus.kernels.Threads;

/**
 * The fast {@link BatchNormKernel}. Each channel is done whole before the next (statistics,
 * running update, normalization; or both backward sums and dx), so its N * S elements are read
 * from memory once and then from cache. With S >= {@link #RUNS_FROM} a channel is N contiguous
 * runs of S floats, summed with four independent double accumulators, and channels are split
 * across {@link Threads} above {@link #SPLIT_WORK} elements. With shorter runs ([N, C] or a
 * tiny spatial size) a channel's elements are strided by C * S, so blocks of channels walk the
 * rows of x instead, keeping a double accumulator per channel (two small arrays per block).
 * The elementwise passes are plain float loops ({@code (x - mean) * scale + shift}), which the
 * JIT vectorizes.
 */
public final class FastBatchNorm implements BatchNormKernel {

    /** Runs of at least this many floats are walked channel by channel. */
    static final int RUNS_FROM = 16;
    /** Below this many elements one thread does all channels. */
    static final long SPLIT_WORK = 1L << 15;

    @Override
    public String name() {
        return "fast";
    }

    /** Blocks of channels [from, to), across threads when the work is worth it. */
    private interface Block {
        void run(int from, int to);
    }

    private static void forBlocks(int c, long elements, Block body) {
        int tasks = elements >= SPLIT_WORK ? Math.min(c, Threads.count()) : 1;
        if (tasks <= 1) {
            body.run(0, c);
            return;
        }
        Threads.parallelFor(tasks, t -> body.run((int) ((long) c * t / tasks), (int) ((long) c * (t + 1) / tasks)));
    }

    // ---- sums over one channel's runs ------------------------------------------------------------

    /** sum of x over channel ch's N runs of S. */
    private static double sum(int n, int c, int s, int ch, float[] x, int xOff) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        for (int b = 0; b < n; b++) {
            int from = xOff + (b * c + ch) * s;
            int i = 0;
            for (; i + 3 < s; i += 4) {
                s0 += x[from + i];
                s1 += x[from + i + 1];
                s2 += x[from + i + 2];
                s3 += x[from + i + 3];
            }
            for (; i < s; i++) {
                s0 += x[from + i];
            }
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** sum of (x - mu)^2 over channel ch's runs. */
    private static double squares(int n, int c, int s, int ch, float[] x, int xOff, double mu) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        for (int b = 0; b < n; b++) {
            int from = xOff + (b * c + ch) * s;
            int i = 0;
            for (; i + 3 < s; i += 4) {
                double d0 = x[from + i] - mu;
                double d1 = x[from + i + 1] - mu;
                double d2 = x[from + i + 2] - mu;
                double d3 = x[from + i + 3] - mu;
                s0 += d0 * d0;
                s1 += d1 * d1;
                s2 += d2 * d2;
                s3 += d3 * d3;
            }
            for (; i < s; i++) {
                double d = x[from + i] - mu;
                s0 += d * d;
            }
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** {sum dy, sum dy (x - mu)} over channel ch's runs, into out[0], out[1]. */
    private static void gradSums(int n, int c, int s, int ch, float[] x, int xOff, float[] dy, int dyOff, double mu,
                                 double[] out) {
        double g0 = 0;
        double g1 = 0;
        double p0 = 0;
        double p1 = 0;
        for (int b = 0; b < n; b++) {
            int xf = xOff + (b * c + ch) * s;
            int gf = dyOff + (b * c + ch) * s;
            int i = 0;
            for (; i + 1 < s; i += 2) {
                double d0 = dy[gf + i];
                double d1 = dy[gf + i + 1];
                g0 += d0;
                g1 += d1;
                p0 += d0 * (x[xf + i] - mu);
                p1 += d1 * (x[xf + i + 1] - mu);
            }
            for (; i < s; i++) {
                double d = dy[gf + i];
                g0 += d;
                p0 += d * (x[xf + i] - mu);
            }
        }
        out[0] = g0 + g1;
        out[1] = p0 + p1;
    }

    /** y = (x - mean) * scale + shift over channel ch's runs. */
    private static void affine(int n, int c, int s, int ch, float[] x, int xOff, float mean, float scale, float shift,
                               float[] y, int yOff) {
        for (int b = 0; b < n; b++) {
            int xf = xOff + (b * c + ch) * s;
            int yf = yOff + (b * c + ch) * s;
            for (int i = 0; i < s; i++) {
                y[yf + i] = (x[xf + i] - mean) * scale + shift;
            }
        }
    }

    private static void updateRunning(int ch, double mu, double squares, long m, float[] runningMean,
                                      float[] runningVar, double momentum) {
        if (runningMean != null) {
            runningMean[ch] = (float) ((1 - momentum) * runningMean[ch] + momentum * mu);
            runningVar[ch] = (float) ((1 - momentum) * runningVar[ch] + momentum * (squares / (m - 1)));
        }
    }

    // ---- forward ---------------------------------------------------------------------------------

    @Override
    public void forwardTraining(int n, int c, int s, float[] x, int xOff, float[] weight, float[] bias, float eps,
                                float[] y, int yOff, float[] mean, float[] invStd,
                                float[] runningMean, float[] runningVar, double momentum) {
        long m = (long) n * s;
        if (s >= RUNS_FROM) {
            forBlocks(c, m * c, (from, to) -> {
                for (int ch = from; ch < to; ch++) {
                    double mu = sum(n, c, s, ch, x, xOff) / m;
                    double squares = squares(n, c, s, ch, x, xOff, mu);
                    mean[ch] = (float) mu;
                    invStd[ch] = (float) (1.0 / Math.sqrt(squares / m + eps));
                    updateRunning(ch, mu, squares, m, runningMean, runningVar, momentum);
                    affine(n, c, s, ch, x, xOff, mean[ch], scale(weight, invStd, ch), shift(bias, ch), y, yOff);
                }
            });
            return;
        }
        forBlocks(c, m * c, (from, to) -> {
            int width = to - from;
            double[] sums = new double[width];
            double[] squares = new double[width];
            for (int b = 0; b < n; b++) {
                int row = xOff + (b * c + from) * s;
                for (int k = 0; k < width; k++) {
                    for (int i = 0; i < s; i++) {
                        sums[k] += x[row + k * s + i];
                    }
                }
            }
            for (int k = 0; k < width; k++) {
                sums[k] /= m; // now the mean
            }
            for (int b = 0; b < n; b++) {
                int row = xOff + (b * c + from) * s;
                for (int k = 0; k < width; k++) {
                    double mu = sums[k];
                    for (int i = 0; i < s; i++) {
                        double d = x[row + k * s + i] - mu;
                        squares[k] += d * d;
                    }
                }
            }
            for (int k = 0; k < width; k++) {
                int ch = from + k;
                mean[ch] = (float) sums[k];
                invStd[ch] = (float) (1.0 / Math.sqrt(squares[k] / m + eps));
                updateRunning(ch, sums[k], squares[k], m, runningMean, runningVar, momentum);
            }
            evalRows(n, c, s, from, to, x, xOff, weight, bias, mean, invStd, y, yOff);
        });
    }

    private static float scale(float[] weight, float[] invStd, int ch) {
        return (weight == null ? 1f : weight[ch]) * invStd[ch];
    }

    private static float shift(float[] bias, int ch) {
        return bias == null ? 0f : bias[ch];
    }

    /** The normalization of channels [from, to) walking rows (short runs). */
    private static void evalRows(int n, int c, int s, int from, int to, float[] x, int xOff, float[] weight,
                                 float[] bias, float[] mean, float[] invStd, float[] y, int yOff) {
        for (int b = 0; b < n; b++) {
            for (int ch = from; ch < to; ch++) {
                float mu = mean[ch];
                float scale = scale(weight, invStd, ch);
                float shift = shift(bias, ch);
                int at = (b * c + ch) * s;
                for (int i = 0; i < s; i++) {
                    y[yOff + at + i] = (x[xOff + at + i] - mu) * scale + shift;
                }
            }
        }
    }

    @Override
    public void forwardEval(int n, int c, int s, float[] x, int xOff, float[] weight, float[] bias,
                            float[] mean, float[] invStd, float[] y, int yOff) {
        long m = (long) n * s;
        if (s >= RUNS_FROM) {
            forBlocks(c, m * c, (from, to) -> {
                for (int ch = from; ch < to; ch++) {
                    affine(n, c, s, ch, x, xOff, mean[ch], scale(weight, invStd, ch), shift(bias, ch), y, yOff);
                }
            });
        } else {
            forBlocks(c, m * c, (from, to) -> evalRows(n, c, s, from, to, x, xOff, weight, bias, mean, invStd, y, yOff));
        }
    }

    // ---- backward --------------------------------------------------------------------------------

    @Override
    public void backwardTraining(int n, int c, int s, float[] x, int xOff, float[] dy, int dyOff, float[] weight,
                                 float[] mean, float[] invStd, float[] dx, int dxOff, float[] dweight, float[] dbias) {
        backward(true, n, c, s, x, xOff, dy, dyOff, weight, mean, invStd, dx, dxOff, dweight, dbias);
    }

    @Override
    public void backwardEval(int n, int c, int s, float[] x, int xOff, float[] dy, int dyOff, float[] weight,
                             float[] mean, float[] invStd, float[] dx, int dxOff, float[] dweight, float[] dbias) {
        backward(false, n, c, s, x, xOff, dy, dyOff, weight, mean, invStd, dx, dxOff, dweight, dbias);
    }

    /**
     * Both backwards: per channel the sums {dy, dy (x - mean)}, then
     * dx = k dy - slope (x - mean) - shift with k = weight invStd; in training mode
     * slope = k invStd sum(dy (x - mean)) / M and shift = k sum(dy) / M, in eval mode dx = k dy.
     */
    private static void backward(boolean training, int n, int c, int s, float[] x, int xOff, float[] dy, int dyOff,
                                 float[] weight, float[] mean, float[] invStd, float[] dx, int dxOff,
                                 float[] dweight, float[] dbias) {
        long m = (long) n * s;
        boolean needSums = training || dweight != null || dbias != null;
        if (s >= RUNS_FROM) {
            forBlocks(c, m * c, (from, to) -> {
                double[] sums = new double[2];
                for (int ch = from; ch < to; ch++) {
                    if (needSums) {
                        gradSums(n, c, s, ch, x, xOff, dy, dyOff, mean[ch], sums);
                        store(ch, sums[0], sums[1], invStd, dweight, dbias);
                    }
                    if (dx != null) {
                        float k = k(weight, invStd, ch);
                        float slope = training ? slope(k, invStd[ch], sums[1], m) : 0f;
                        float shift = training ? (float) (k * sums[0] / m) : 0f;
                        for (int b = 0; b < n; b++) {
                            int at = (b * c + ch) * s;
                            dxRun(training, x, xOff + at, dy, dyOff + at, dx, dxOff + at, s, mean[ch], k, slope, shift);
                        }
                    }
                }
            });
            return;
        }
        forBlocks(c, m * c, (from, to) -> {
            int width = to - from;
            double[] sumDy = new double[width];
            double[] sumDyXc = new double[width];
            if (needSums) {
                for (int b = 0; b < n; b++) {
                    for (int k = 0; k < width; k++) {
                        int ch = from + k;
                        double mu = mean[ch];
                        int at = (b * c + ch) * s;
                        for (int i = 0; i < s; i++) {
                            double d = dy[dyOff + at + i];
                            sumDy[k] += d;
                            sumDyXc[k] += d * (x[xOff + at + i] - mu);
                        }
                    }
                }
                for (int k = 0; k < width; k++) {
                    store(from + k, sumDy[k], sumDyXc[k], invStd, dweight, dbias);
                }
            }
            if (dx != null) {
                // the per-channel coefficients, once per block (reusing the sum arrays' room is not worth the confusion)
                float[] ks = new float[width];
                float[] slopes = new float[width];
                float[] shifts = new float[width];
                for (int k = 0; k < width; k++) {
                    int ch = from + k;
                    ks[k] = k(weight, invStd, ch);
                    slopes[k] = training ? slope(ks[k], invStd[ch], sumDyXc[k], m) : 0f;
                    shifts[k] = training ? (float) (ks[k] * sumDy[k] / m) : 0f;
                }
                for (int b = 0; b < n; b++) {
                    for (int k = 0; k < width; k++) {
                        int at = (b * c + from + k) * s;
                        dxRun(training, x, xOff + at, dy, dyOff + at, dx, dxOff + at, s, mean[from + k], ks[k], slopes[k],
                                shifts[k]);
                    }
                }
            }
        });
    }

    private static float k(float[] weight, float[] invStd, int ch) {
        return (float) ((weight == null ? 1.0 : weight[ch]) * (double) invStd[ch]);
    }

    private static float slope(float k, float invStd, double sumDyXc, long m) {
        return (float) ((double) k * invStd * invStd * sumDyXc / m);
    }

    private static void store(int ch, double sumDy, double sumDyXc, float[] invStd, float[] dweight, float[] dbias) {
        if (dbias != null) {
            dbias[ch] = (float) sumDy;
        }
        if (dweight != null) {
            dweight[ch] = (float) (sumDyXc * invStd[ch]);
        }
    }

    /** One run of dx: k dy - slope (x - mean) - shift in training, k dy in eval. */
    private static void dxRun(boolean training, float[] x, int xf, float[] dy, int gf, float[] dx, int df, int len,
                              float mean, float k, float slope, float shift) {
        if (training) {
            for (int i = 0; i < len; i++) {
                dx[df + i] = dy[gf + i] * k - (x[xf + i] - mean) * slope - shift;
            }
        } else {
            for (int i = 0; i < len; i++) {
                dx[df + i] = dy[gf + i] * k;
            }
        }
    }
}
