package io.isthmus.kernels.norm;

import io.isthmus.kernels.Threads;

/**
 * The fast {@link LayerNormKernel}: one pass per row for the mean and variance (sum and sum of
 * squares of x - x[0], in double: shifting by a sample of the row keeps the E[x^2] - E[x]^2 form
 * from cancelling when |mean| is large next to the spread), then one fused pass for the output.
 * Backward: one pass per row for the two row sums, one for dx; dweight and dbias accumulate in
 * float rows of [d] per block of rows and are summed block by block at the end. Rows are split
 * across the kernel threads in ranges (forward) and in blocks of a size fixed by d (backward,
 * {@link Threads#rowGrain}), so the result does not depend on the thread count.
 */
public final class FastLayerNorm implements LayerNormKernel {

    @Override
    public String name() {
        return "fast";
    }

    @Override
    public void forward(int rows, int d, float[] x, float[] weight, float[] bias, float eps,
                        float[] y, float[] mean, float[] invStd) {
        Threads.parallelRanges(rows, Threads.rowGrain(d),
                (from, n) -> forwardRows(from, from + n, d, x, weight, bias, eps, y, mean, invStd));
    }

    private static void forwardRows(int fromRow, int toRow, int d, float[] x, float[] weight, float[] bias, float eps,
                                    float[] y, float[] mean, float[] invStd) {
        for (int r = fromRow; r < toRow; r++) {
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
        int perBlock = Threads.rowGrain(d);
        int blocks = Math.max(1, (rows + perBlock - 1) / perBlock);
        float[][] dws = new float[blocks][];
        float[][] dbs = new float[blocks][];
        Threads.parallelFor(blocks, block -> {
            float[] dw = dweight == null ? null : new float[d];
            float[] db = dbias == null ? null : new float[d];
            backwardRows(block * perBlock, Math.min(rows, (block + 1) * perBlock), d, x, dy, weight, mean, invStd,
                    dx, dw, db);
            dws[block] = dw;
            dbs[block] = db;
        });
        if (dweight != null) {
            sumBlocks(dws, dweight, d);
        }
        if (dbias != null) {
            sumBlocks(dbs, dbias, d);
        }
    }

    /** into = the blocks' sum, added in block order. */
    private static void sumBlocks(float[][] blocks, float[] into, int d) {
        System.arraycopy(blocks[0], 0, into, 0, d);
        for (int b = 1; b < blocks.length; b++) {
            for (int i = 0; i < d; i++) {
                into[i] += blocks[b][i];
            }
        }
    }

    private static void backwardRows(int fromRow, int toRow, int d, float[] x, float[] dy, float[] weight,
                                     float[] mean, float[] invStd, float[] dx, float[] dw, float[] db) {
        for (int r = fromRow; r < toRow; r++) {
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
    }
}
