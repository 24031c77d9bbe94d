package io.isthmus.kernels.rnn;

import java.util.Arrays;

/**
 * The reference: every step and every gate as straight loops (sums in double, no GEMM, no
 * vector code), the same {@code saved} layout as {@link FastRecurrent}. Slow; the oracle of the
 * fused kernels' tests and the kernel under {@code -Disthmus.backend=reference}.
 */
final class ScalarRecurrent extends RecurrentKernel {

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    void runForward(RecurrentShape s, float[] x, RecurrentWeights w, float[] h0, float[] c0,
                    float[] out, float[] hT, float[] cT, float[] saved) {
        int bs = s.batch();
        int in = s.input();
        int hid = s.hidden();
        int gw = s.gateWidth();
        float[] gates = saved != null ? saved : new float[s.savedSize()];
        float[] preX = new float[gw];
        float[] preH = new float[gw];
        float[] c = new float[s.stateSize()];
        if (c0 != null) {
            System.arraycopy(c0, 0, c, 0, c.length);
        }
        int prevT = -1;
        for (int step = 0; step < s.steps(); step++) {
            int t = s.timeOf(step);
            for (int b = 0; b < bs; b++) {
                // preX = W_ih x_t + b_ih, preH = W_hh h_{t-1} + b_hh for sample b, all G * H rows
                for (int r = 0; r < gw; r++) {
                    double sx = w.biasIh() == null ? 0 : w.biasIh()[r];
                    for (int i = 0; i < in; i++) {
                        sx += (double) w.ih()[r * in + i] * x[(t * bs + b) * in + i];
                    }
                    double sh = w.biasHh() == null ? 0 : w.biasHh()[r];
                    for (int k = 0; k < hid; k++) {
                        sh += (double) w.hh()[r * hid + k] * previous(s, h0, out, prevT, b, k);
                    }
                    preX[r] = (float) sx;
                    preH[r] = (float) sh;
                }
                int g = (t * bs + b) * gw;
                for (int j = 0; j < hid; j++) {
                    int o = (t * bs + b) * hid + j;
                    float hPrev = previous(s, h0, out, prevT, b, j);
                    float h;
                    switch (s.cell()) {
                        case RNN_TANH -> h = (float) Math.tanh(preX[j] + preH[j]);
                        case RNN_RELU -> h = Math.max(0f, preX[j] + preH[j]);
                        case LSTM -> {
                            float ig = sigmoid(preX[j] + preH[j]);
                            float fg = sigmoid(preX[hid + j] + preH[hid + j]);
                            float gg = (float) Math.tanh(preX[2 * hid + j] + preH[2 * hid + j]);
                            float og = sigmoid(preX[3 * hid + j] + preH[3 * hid + j]);
                            float cell = fg * c[b * hid + j] + ig * gg;
                            c[b * hid + j] = cell;
                            float tc = (float) Math.tanh(cell);
                            h = og * tc;
                            gates[g + j] = ig;
                            gates[g + hid + j] = fg;
                            gates[g + 2 * hid + j] = gg;
                            gates[g + 3 * hid + j] = og;
                            gates[extraOffset(s, t) + b * hid + j] = cell;
                            gates[tanhCellOffset(s, t) + b * hid + j] = tc;
                        }
                        case GRU -> {
                            float rg = sigmoid(preX[j] + preH[j]);
                            float zg = sigmoid(preX[hid + j] + preH[hid + j]);
                            float hn = preH[2 * hid + j];
                            float ng = (float) Math.tanh(preX[2 * hid + j] + rg * hn);
                            h = (1 - zg) * ng + zg * hPrev;
                            gates[g + j] = rg;
                            gates[g + hid + j] = zg;
                            gates[g + 2 * hid + j] = ng;
                            gates[extraOffset(s, t) + b * hid + j] = hn;
                        }
                        default -> throw new IllegalStateException(s.cell().toString());
                    }
                    if (s.cell() == Cell.RNN_TANH || s.cell() == Cell.RNN_RELU) {
                        gates[g + j] = h;
                    }
                    out[o] = h;
                }
            }
            prevT = t;
        }
        if (hT != null) {
            System.arraycopy(out, prevT * s.stateSize(), hT, 0, s.stateSize());
        }
        if (cT != null) {
            System.arraycopy(c, 0, cT, 0, c.length);
        }
    }

    /** h_{t-1}[b, k]: out at the previously run time index, h0 before the first step (zero when null). */
    private static float previous(RecurrentShape s, float[] h0, float[] out, int prevT, int b, int k) {
        if (prevT < 0) {
            return h0 == null ? 0f : h0[b * s.hidden() + k];
        }
        return out[(prevT * s.batch() + b) * s.hidden() + k];
    }

    private static float sigmoid(float v) {
        return (float) (1 / (1 + Math.exp(-v)));
    }

    @Override
    void runBackward(RecurrentShape s, float[] x, RecurrentWeights w, float[] h0, float[] c0,
                     float[] out, float[] saved, float[] dOut, float[] dhT, float[] dcT, RecurrentGrads g) {
        int bs = s.batch();
        int in = s.input();
        int hid = s.hidden();
        int gw = s.gateWidth();
        double[] dIh = new double[s.weightIhSize()];
        double[] dHh = new double[s.weightHhSize()];
        double[] dbIh = new double[gw];
        double[] dbHh = new double[gw];
        float[] dh = dhT == null ? new float[s.stateSize()] : dhT.clone();
        float[] dc = dcT == null ? new float[s.stateSize()] : dcT.clone();
        float[] dhPrev = new float[s.stateSize()];
        float[] dGx = new float[gw];
        float[] dGh = new float[gw];
        if (g.dx() != null) {
            Arrays.fill(g.dx(), 0f);
        }
        for (int step = s.steps() - 1; step >= 0; step--) {
            int t = s.timeOf(step);
            int prevT = step == 0 ? -1 : s.timeOf(step - 1);
            for (int b = 0; b < bs; b++) {
                int gOff = (t * bs + b) * gw;
                for (int j = 0; j < hid; j++) {
                    int sj = b * hid + j;
                    float dhv = dh[sj] + (dOut == null ? 0f : dOut[(t * bs + b) * hid + j]);
                    float hPrev = previous(s, h0, out, prevT, b, j);
                    float direct = 0f;
                    switch (s.cell()) {
                        case RNN_TANH -> {
                            float h = out[(t * bs + b) * hid + j];
                            dGx[j] = dhv * (1 - h * h);
                            dGh[j] = dGx[j];
                        }
                        case RNN_RELU -> {
                            float h = out[(t * bs + b) * hid + j];
                            dGx[j] = h > 0 ? dhv : 0f;
                            dGh[j] = dGx[j];
                        }
                        case LSTM -> {
                            float ig = saved[gOff + j];
                            float fg = saved[gOff + hid + j];
                            float gg = saved[gOff + 2 * hid + j];
                            float og = saved[gOff + 3 * hid + j];
                            float tc = saved[tanhCellOffset(s, t) + sj];
                            float cPrev = prevT < 0 ? (c0 == null ? 0f : c0[sj]) : saved[extraOffset(s, prevT) + sj];
                            float dcv = dc[sj] + dhv * og * (1 - tc * tc);
                            dGx[j] = dcv * gg * ig * (1 - ig);
                            dGx[hid + j] = dcv * cPrev * fg * (1 - fg);
                            dGx[2 * hid + j] = dcv * ig * (1 - gg * gg);
                            dGx[3 * hid + j] = dhv * tc * og * (1 - og);
                            for (int q = 0; q < 4; q++) {
                                dGh[q * hid + j] = dGx[q * hid + j];
                            }
                            dc[sj] = dcv * fg;
                        }
                        case GRU -> {
                            float rg = saved[gOff + j];
                            float zg = saved[gOff + hid + j];
                            float ng = saved[gOff + 2 * hid + j];
                            float hn = saved[extraOffset(s, t) + sj];
                            float dn = dhv * (1 - zg) * (1 - ng * ng);
                            float dz = dhv * (hPrev - ng) * zg * (1 - zg);
                            float dr = dn * hn * rg * (1 - rg);
                            dGx[j] = dr;
                            dGx[hid + j] = dz;
                            dGx[2 * hid + j] = dn;
                            dGh[j] = dr;
                            dGh[hid + j] = dz;
                            dGh[2 * hid + j] = dn * rg;
                            direct = dhv * zg;
                        }
                        default -> throw new IllegalStateException(s.cell().toString());
                    }
                    dhPrev[sj] = direct;
                }
                // the step's gate gradients reach the weights, biases, x_t and h_{t-1}
                for (int r = 0; r < gw; r++) {
                    dbIh[r] += dGx[r];
                    dbHh[r] += dGh[r];
                    for (int i = 0; i < in; i++) {
                        if (g.dIh() != null) {
                            dIh[r * in + i] += (double) dGx[r] * x[(t * bs + b) * in + i];
                        }
                        if (g.dx() != null) {
                            g.dx()[(t * bs + b) * in + i] += dGx[r] * w.ih()[r * in + i];
                        }
                    }
                    for (int k = 0; k < hid; k++) {
                        dHh[r * hid + k] += (double) dGh[r] * previous(s, h0, out, prevT, b, k);
                        dhPrev[b * hid + k] += dGh[r] * w.hh()[r * hid + k];
                    }
                }
            }
            float[] swap = dh;
            dh = dhPrev;
            dhPrev = swap;
        }
        narrow(dIh, g.dIh());
        narrow(dHh, g.dHh());
        narrow(dbIh, g.dBiasIh());
        narrow(dbHh, g.dBiasHh());
        if (g.dh0() != null) {
            System.arraycopy(dh, 0, g.dh0(), 0, dh.length);
        }
        if (g.dc0() != null) {
            System.arraycopy(dc, 0, g.dc0(), 0, dc.length);
        }
    }

    private static void narrow(double[] from, float[] to) {
        if (to != null) {
            for (int i = 0; i < from.length; i++) {
                to[i] = (float) from[i];
            }
        }
    }
}
