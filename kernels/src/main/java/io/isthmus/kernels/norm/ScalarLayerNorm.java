package io.isthmus.kernels.norm;

/**
 * The oracle {@link LayerNormKernel}: per row, the mean in one pass and the squared deviations from
 * it in a second, both in double; backward element by element from the formula.
 */
public final class ScalarLayerNorm implements LayerNormKernel {

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void forward(int rows, int d, float[] x, float[] weight, float[] bias, float eps,
                        float[] y, float[] mean, float[] invStd) {
        for (int r = 0; r < rows; r++) {
            int off = r * d;
            double sum = 0;
            for (int i = 0; i < d; i++) {
                sum += x[off + i];
            }
            double m = sum / d;
            double sq = 0;
            for (int i = 0; i < d; i++) {
                double dev = x[off + i] - m;
                sq += dev * dev;
            }
            double is = 1.0 / Math.sqrt(sq / d + eps);
            mean[r] = (float) m;
            invStd[r] = (float) is;
            for (int i = 0; i < d; i++) {
                double v = (x[off + i] - m) * is;
                if (weight != null) {
                    v *= weight[i];
                }
                if (bias != null) {
                    v += bias[i];
                }
                y[off + i] = (float) v;
            }
        }
    }

    @Override
    public void backward(int rows, int d, float[] x, float[] dy, float[] weight, float[] mean, float[] invStd,
                         float[] dx, float[] dweight, float[] dbias) {
        double[] dw = new double[d];
        double[] db = new double[d];
        for (int r = 0; r < rows; r++) {
            int off = r * d;
            double m = mean[r];
            double is = invStd[r];
            double sumG = 0;
            double sumGX = 0;
            for (int i = 0; i < d; i++) {
                double xhat = (x[off + i] - m) * is;
                double g = dy[off + i] * (weight == null ? 1.0 : weight[i]);
                sumG += g;
                sumGX += g * xhat;
                dw[i] += dy[off + i] * xhat;
                db[i] += dy[off + i];
            }
            if (dx != null) {
                for (int i = 0; i < d; i++) {
                    double xhat = (x[off + i] - m) * is;
                    double g = dy[off + i] * (weight == null ? 1.0 : weight[i]);
                    dx[off + i] = (float) (is * (g - sumG / d - xhat * sumGX / d));
                }
            }
        }
        for (int i = 0; i < d; i++) {
            if (dweight != null) {
                dweight[i] = (float) dw[i];
            }
            if (dbias != null) {
                dbias[i] = (float) db[i];
            }
        }
    }
}
