package io.isthmus.kernels.attention;

/**
 * The oracle: per (b, h) the whole Tq x Tk matrix of scores, a row softmax, the dropout mask
 * and P·V in straight loops; the textbook backward from the same materialized probabilities.
 */
final class ScalarAttention extends AttentionKernel {

    @Override
    public String name() {
        return "scalar";
    }

    /** The probabilities P [Tq, Tk] of (b, hh) before dropout; lse [Tq] written at lseOff. */
    private static double[] probabilities(int b, int hh, int h, int tq, int tk, int d, float[] q, float[] k,
                                          AttentionMasks masks, float[] lse, int lseOff) {
        double scale = 1.0 / Math.sqrt(d);
        double[] p = new double[tq * tk];
        int qOff = (b * h + hh) * tq * d;
        int kOff = (b * h + hh) * tk * d;
        for (int i = 0; i < tq; i++) {
            int limit = masks.keyLimit(i, tq, tk);
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < tk; j++) {
                double s = Double.NEGATIVE_INFINITY;
                boolean padded = masks.keyPadding() != null && masks.keyPadding()[b * tk + j] != 0;
                if (j < limit && !padded) {
                    double dot = 0;
                    for (int c = 0; c < d; c++) {
                        dot += (double) q[qOff + i * d + c] * k[kOff + j * d + c];
                    }
                    s = dot * scale;
                    if (masks.additive() != null) {
                        s += masks.additive()[masks.additiveRow(b, hh, i, tq, tk) + j];
                    }
                }
                p[i * tk + j] = s;
                max = Math.max(max, s);
            }
            if (max == Double.NEGATIVE_INFINITY) {
                for (int j = 0; j < tk; j++) {
                    p[i * tk + j] = 0;
                }
                lse[lseOff + i] = Float.NEGATIVE_INFINITY;
                continue;
            }
            double sum = 0;
            for (int j = 0; j < tk; j++) {
                double e = Math.exp(p[i * tk + j] - max);
                p[i * tk + j] = e;
                sum += e;
            }
            for (int j = 0; j < tk; j++) {
                p[i * tk + j] /= sum;
            }
            lse[lseOff + i] = (float) (max + Math.log(sum));
        }
        return p;
    }

    /** Drop factor of element (b, hh, i, j): 0 or 1/(1-p). */
    private static double dropFactor(float dropout, long seed, long index) {
        if (dropout == 0f) {
            return 1;
        }
        return AttentionDropout.keep(seed, index, dropout) ? 1.0 / (1.0 - dropout) : 0;
    }

    @Override
    void runForward(int b, int h, int tq, int tk, int d, int dv, float[] q, float[] k, float[] v,
                    AttentionMasks masks, float dropout, long seed, float[] out, float[] lse) {
        for (int bb = 0; bb < b; bb++) {
            for (int hh = 0; hh < h; hh++) {
                int bh = bb * h + hh;
                double[] p = probabilities(bb, hh, h, tq, tk, d, q, k, masks, lse, bh * tq);
                for (int i = 0; i < tq; i++) {
                    for (int c = 0; c < dv; c++) {
                        double acc = 0;
                        for (int j = 0; j < tk; j++) {
                            double pd = p[i * tk + j] * dropFactor(dropout, seed, ((long) bh * tq + i) * tk + j);
                            acc += pd * v[(bh * tk + j) * dv + c];
                        }
                        out[(bh * tq + i) * dv + c] = (float) acc;
                    }
                }
            }
        }
    }

    @Override
    void runBackward(int b, int h, int tq, int tk, int d, int dv, float[] q, float[] k, float[] v,
                     AttentionMasks masks, float dropout, long seed, float[] out, float[] lse,
                     float[] dOut, float[] dq, float[] dk, float[] dvOut) {
        double scale = 1.0 / Math.sqrt(d);
        float[] lseScratch = new float[tq];
        for (int bb = 0; bb < b; bb++) {
            for (int hh = 0; hh < h; hh++) {
                int bh = bb * h + hh;
                double[] p = probabilities(bb, hh, h, tq, tk, d, q, k, masks, lseScratch, 0);
                double[] drop = new double[tq * tk];
                for (int i = 0; i < tq; i++) {
                    for (int j = 0; j < tk; j++) {
                        drop[i * tk + j] = dropFactor(dropout, seed, ((long) bh * tq + i) * tk + j);
                    }
                }
                // dV = (P * drop)^T dO
                if (dvOut != null) {
                    for (int j = 0; j < tk; j++) {
                        for (int c = 0; c < dv; c++) {
                            double acc = 0;
                            for (int i = 0; i < tq; i++) {
                                acc += p[i * tk + j] * drop[i * tk + j] * dOut[(bh * tq + i) * dv + c];
                            }
                            dvOut[(bh * tk + j) * dv + c] = (float) acc;
                        }
                    }
                }
                // dP = (dO V^T) * drop; dS = P * (dP - rowsum(P * dP)), scaled
                double[] ds = new double[tq * tk];
                for (int i = 0; i < tq; i++) {
                    double rowDot = 0;
                    for (int j = 0; j < tk; j++) {
                        double dp = 0;
                        for (int c = 0; c < dv; c++) {
                            dp += (double) dOut[(bh * tq + i) * dv + c] * v[(bh * tk + j) * dv + c];
                        }
                        dp *= drop[i * tk + j];
                        ds[i * tk + j] = dp;
                        rowDot += p[i * tk + j] * dp;
                    }
                    for (int j = 0; j < tk; j++) {
                        ds[i * tk + j] = p[i * tk + j] * (ds[i * tk + j] - rowDot) * scale;
                    }
                }
                if (dq != null) {
                    for (int i = 0; i < tq; i++) {
                        for (int c = 0; c < d; c++) {
                            double acc = 0;
                            for (int j = 0; j < tk; j++) {
                                acc += ds[i * tk + j] * k[(bh * tk + j) * d + c];
                            }
                            dq[(bh * tq + i) * d + c] = (float) acc;
                        }
                    }
                }
                if (dk != null) {
                    for (int j = 0; j < tk; j++) {
                        for (int c = 0; c < d; c++) {
                            double acc = 0;
                            for (int i = 0; i < tq; i++) {
                                acc += ds[i * tk + j] * q[(bh * tq + i) * d + c];
                            }
                            dk[(bh * tk + j) * d + c] = (float) acc;
                        }
                    }
                }
            }
        }
    }
}
