package io.isthmus.kernels.norm;

/**
 * The oracle for {@link BatchNormKernel}: every element addressed by its full index
 * (n C + c) S + i, one double accumulator per sum, channels one after another on the calling
 * thread.
 */
public final class ScalarBatchNorm implements BatchNormKernel {

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void forwardTraining(int n, int c, int s, float[] x, int xOff, float[] weight, float[] bias, float eps,
                                float[] y, int yOff, float[] mean, float[] invStd,
                                float[] runningMean, float[] runningVar, double momentum) {
        long m = (long) n * s;
        for (int ch = 0; ch < c; ch++) {
            double sum = 0;
            for (int b = 0; b < n; b++) {
                for (int i = 0; i < s; i++) {
                    sum += x[xOff + (b * c + ch) * s + i];
                }
            }
            double mu = sum / m;
            double squares = 0;
            for (int b = 0; b < n; b++) {
                for (int i = 0; i < s; i++) {
                    double d = x[xOff + (b * c + ch) * s + i] - mu;
                    squares += d * d;
                }
            }
            double var = squares / m;
            mean[ch] = (float) mu;
            invStd[ch] = (float) (1.0 / Math.sqrt(var + eps));
            if (runningMean != null) {
                runningMean[ch] = (float) ((1 - momentum) * runningMean[ch] + momentum * mu);
                runningVar[ch] = (float) ((1 - momentum) * runningVar[ch] + momentum * (squares / (m - 1)));
            }
        }
        forwardEval(n, c, s, x, xOff, weight, bias, mean, invStd, y, yOff);
    }

    @Override
    public void forwardEval(int n, int c, int s, float[] x, int xOff, float[] weight, float[] bias,
                            float[] mean, float[] invStd, float[] y, int yOff) {
        for (int ch = 0; ch < c; ch++) {
            float scale = (weight == null ? 1f : weight[ch]) * invStd[ch];
            float shift = bias == null ? 0f : bias[ch];
            for (int b = 0; b < n; b++) {
                for (int i = 0; i < s; i++) {
                    int at = (b * c + ch) * s + i;
                    y[yOff + at] = (x[xOff + at] - mean[ch]) * scale + shift;
                }
            }
        }
    }

    @Override
    public void backwardTraining(int n, int c, int s, float[] x, int xOff, float[] dy, int dyOff, float[] weight,
                                 float[] mean, float[] invStd, float[] dx, int dxOff, float[] dweight, float[] dbias) {
        long m = (long) n * s;
        for (int ch = 0; ch < c; ch++) {
            double sumDy = 0;
            double sumDyXc = 0;
            for (int b = 0; b < n; b++) {
                for (int i = 0; i < s; i++) {
                    int at = (b * c + ch) * s + i;
                    sumDy += dy[dyOff + at];
                    sumDyXc += (double) dy[dyOff + at] * (x[xOff + at] - (double) mean[ch]);
                }
            }
            if (dbias != null) {
                dbias[ch] = (float) sumDy;
            }
            if (dweight != null) {
                dweight[ch] = (float) (sumDyXc * invStd[ch]);
            }
            if (dx != null) {
                double k = (weight == null ? 1.0 : weight[ch]) * (double) invStd[ch];
                double meanDy = sumDy / m;
                double slope = (double) invStd[ch] * invStd[ch] * sumDyXc / m;
                for (int b = 0; b < n; b++) {
                    for (int i = 0; i < s; i++) {
                        int at = (b * c + ch) * s + i;
                        dx[dxOff + at] = (float) (k * (dy[dyOff + at] - meanDy - (x[xOff + at] - (double) mean[ch]) * slope));
                    }
                }
            }
        }
    }

    @Override
    public void backwardEval(int n, int c, int s, float[] x, int xOff, float[] dy, int dyOff, float[] weight,
                             float[] mean, float[] invStd, float[] dx, int dxOff, float[] dweight, float[] dbias) {
        for (int ch = 0; ch < c; ch++) {
            double sumDy = 0;
            double sumDyXc = 0;
            float k = (weight == null ? 1f : weight[ch]) * invStd[ch];
            for (int b = 0; b < n; b++) {
                for (int i = 0; i < s; i++) {
                    int at = (b * c + ch) * s + i;
                    sumDy += dy[dyOff + at];
                    sumDyXc += (double) dy[dyOff + at] * (x[xOff + at] - (double) mean[ch]);
                    if (dx != null) {
                        dx[dxOff + at] = dy[dyOff + at] * k;
                    }
                }
            }
            if (dbias != null) {
                dbias[ch] = (float) sumDy;
            }
            if (dweight != null) {
                dweight[ch] = (float) (sumDyXc * invStd[ch]);
            }
        }
    }
}
