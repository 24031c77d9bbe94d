package io.isthmus.kernels.norm;

/**
 * The fast {@link LayerNormKernel}: one pass per row for the mean and variance (sum and sum of
 * squares of x - x[0], in double: shifting by a sample of the row keeps the E[x^2] - E[x]^2 form
 * from cancelling when |mean| is large next to the spread), then one fused pass for the output.
 * Backward: one pass per row for the two row sums, one for dx; dweight and dbias accumulate in
 * float rows of [d] and are written once at the end.
 */
public final class FastLayerNorm implements LayerNormKernel {

    @Override
    public String name() {
        return "fast";
    }

    @Override
    public void forward(int rows, int d, float[] x, float[] weight, float[] bias, float eps,
                        float[] y, float[] mean, float[] invStd) {
        for (int r = 0; r < rows; r++) {
            int off = r * d;
            float shift = x[off];
            double s1 = 0;
            double s2 = 0;
            for (int i = 0; i < d; i++) {
                double v = x[off + i] - shift;
                s1 += v;
                s2 += v * v;
            }
            double mShift = s1 / d;
            double var = Math.max(0, s2 / d - mShift * mShift);
            float m = (float) (mShift + shift);
            float is = (float) (1.0 / Math.sqrt(var + eps));
            mean[r] = m;
            invStd[r] = is;
            if (weight != null && bias != null) {
                for (int i = 0; i < d; i++) {
                    y[off + i] = (x[off + i] - m) * is * weight[i] + bias[i];
                }
            } else {
                for (int i = 0; i < d; i++) {
                    float v = (x[off + i] - m) * is;
                    if (weight != null) {
                        v *= weight[i];
                    }
                    if (bias != null) {
                        v += bias[i];
                    }
                    y[off + i] = v;
                }
            }
        }
    }

    @Override
    public void backward(int rows, int d, float[] x, float[] dy, float[] weight, float[] mean, float[] invStd,
                         float[] dx, float[] dweight, float[] dbias) {
        float[] dw = dweight == null ? null : new float[d];
        float[] db = dbias == null ? null : new float[d];
        for (int r = 0; r < rows; r++) {
            int off = r * d;
            float m = mean[r];
            float is = invStd[r];
            double sumG = 0;
            double sumGX = 0;
            for (int i = 0; i < d; i++) {
                float xhat = (x[off + i] - m) * is;
                float dyi = dy[off + i];
                float g = weight == null ? dyi : dyi * weight[i];
                sumG += g;
                sumGX += g * xhat;
                if (dw != null) {
                    dw[i] += dyi * xhat;
                }
                if (db != null) {
                    db[i] += dyi;
                }
            }
            if (dx != null) {
                float meanG = (float) (sumG / d);
                float meanGX = (float) (sumGX / d);
                for (int i = 0; i < d; i++) {
                    float xhat = (x[off + i] - m) * is;
                    float g = weight == null ? dy[off + i] : dy[off + i] * weight[i];
                    dx[off + i] = is * (g - meanG - xhat * meanGX);
                }
            }
        }
        if (dw != null) {
            System.arraycopy(dw, 0, dweight, 0, d);
        }
        if (db != null) {
            System.arraycopy(db, 0, dbias, 0, d);
        }
    }
}
