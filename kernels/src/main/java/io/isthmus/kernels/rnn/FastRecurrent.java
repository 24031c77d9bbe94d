package io.isthmus.kernels.rnn;

import io.isthmus.kernels.Threads;
import io.isthmus.kernels.elementwise.Elementwise;
import io.isthmus.kernels.gemm.Gemm;
import io.isthmus.kernels.gemm.PreparedB;

import java.util.Arrays;

/**
 * The fused recurrent kernels: few big GEMMs, one elementwise pass per step.
 *
 * <p>Forward, with G * H = gw gate rows:
 * <ol>
 *   <li>gates [T * B, gw] = x [T * B, I] x W_ih^T + (b_ih + b_hh) (W_ih^T and W_hh^T copied
 *       once per call into the layout the GEMM reads fastest; W_hh^T, and W_hh for the backward,
 *       {@linkplain PreparedB prepared} once for all steps): the input projection of all
 *       steps as ONE GEMM, both biases folded into the rows it starts from (for GRU the n block
 *       gets only b_in, since b_hn sits inside r * (W_hn h + b_hn));</li>
 *   <li>per step, one GEMM h_{t-1} [B, H] x W_hh^T: accumulated straight onto that step's gate
 *       rows (beta 1) for RNN and LSTM; into a [B, gw] scratch for GRU, whose n block is
 *       multiplied by r before it is added;</li>
 *   <li>per step, one pass that activates the gates in place (the vector sigmoid and tanh of
 *       {@link Elementwise}) and updates the state. The activated gates stay in {@code saved}
 *       as the backward's input, with c_t and tanh(c_t) for LSTM and W_hn h + b_hn for GRU.</li>
 * </ol>
 *
 * <p>Backward through time: per step (last run first) one pass turns dh (the gradient of h_t
 * from the output and from step t + 1) into the gate pre-activation gradients dG_t, and one GEMM
 * dh_{t-1} = dG_t [B, gw] x W_hh [gw, H] carries it back. Then, over all steps at once:
 * dW_ih = dG^T [gw, T * B] x X [T * B, I]; dW_hh = dG^T x H_prev with the previous states stacked
 * (out shifted by one step, plus h0 for the first step run, a second GEMM); the bias gradients
 * are column sums of dG; dx = dG x W_ih is one GEMM. For GRU, the hidden side sees r * dn in
 * the n block where the input side sees dn, so it has its own dG buffer.
 *
 * <p>Workspaces are allocated once per call, never per step; the GEMMs go through the
 * library's GEMM (the measured auto dispatch and its thread policy). A step's elementwise pass
 * is split by sample across the thread budget when it is large ({@link #PARALLEL_GATES}).
 */
final class FastRecurrent extends RecurrentKernel {

    /**
     * Gate values per step (B * G * H) from which a step's elementwise pass is split across
     * threads: W3's LSTM step (64 x 1024) takes about 100 us on one core, well above the few to
     * tens of microseconds of handing half of it to a pool worker; at a quarter of that size the
     * hand-off would eat most of the gain.
     */
    static final int PARALLEL_GATES = 1 << 15;

    /** A pass over the samples [b0, b1) of one step. */
    @FunctionalInterface
    private interface SampleRange {
        void run(int b0, int b1);
    }

    /** Runs {@code pass} over all samples: in contiguous slices on the thread budget when the step is large, else inline. */
    private static void overSamples(RecurrentShape s, SampleRange pass) {
        int threads = Threads.count();
        int bs = s.batch();
        if (threads <= 1 || bs < threads || (long) bs * s.gateWidth() < PARALLEL_GATES) {
            pass.run(0, bs);
            return;
        }
        // One range per thread (bs >= threads, so every range holds a sample).
        Threads.parallelRanges(bs, 1, (from, n) -> pass.run(from, from + n));
    }

    private final Gemm gemm;
    private final Elementwise k;

    FastRecurrent(Gemm gemm, Elementwise elementwise) {
        this.gemm = gemm;
        this.k = elementwise;
    }

    @Override
    public String name() {
        return "fast";
    }

    @Override
    void runForward(RecurrentShape s, float[] x, RecurrentWeights w, float[] h0, float[] c0,
                    float[] out, float[] hT, float[] cT, float[] saved) {
        int bs = s.batch();
        int in = s.input();
        int hid = s.hidden();
        int gw = s.gateWidth();
        int rows = s.steps() * bs;
        int state = s.stateSize();
        float[] gates = saved != null ? saved : new float[s.savedSize()];
        boolean gru = s.cell() == Cell.GRU;

        // 1. all steps' input projection in one GEMM, starting from the folded biases
        float[] folded = foldedBias(s, w);
        if (folded != null) {
            for (int r = 0; r < rows; r++) {
                System.arraycopy(folded, 0, gates, r * gw, gw);
            }
        }
        // W^T copied once per call: the plain layout runs 25-30% faster in the SIMD GEMM than
        // reading W transposed (measured for the LSTM step 64 x 1024 x 256: 136 vs 106 GFLOPS)
        float[] ihT = transposed(w.ih(), gw, in);
        gemm.sgemm(false, false, rows, gw, in, 1f, x, 0, in, ihT, 0, gw, folded == null ? 0f : 1f, gates, 0, gw);
        // packed once for all steps where the GEMM packs B (the SIMD GEMM: a 1 MB copy a step for W3's LSTM)
        PreparedB hhT = new PreparedB(false, hid, gw, transposed(w.hh(), gw, hid), 0, gw);

        float[] hw = gru ? new float[bs * gw] : null;
        float[] hnBias = gru && w.biasHh() != null ? w.biasHh() : null;
        int prevT = -1;
        for (int step = 0; step < s.steps(); step++) {
            int t = s.timeOf(step);
            int gOff = t * bs * gw;
            float[] hp = prevT < 0 ? h0 : out;
            int hpOff = prevT < 0 ? 0 : prevT * state;
            // 2. the recurrent part, h_{t-1} [B, H] x W_hh^T [H, gw]
            if (gru) {
                if (hp == null) {
                    Arrays.fill(hw, 0f);
                } else {
                    gemm.sgemm(false, bs, 1f, hp, hpOff, hid, hhT, 0f, hw, 0, gw);
                }
            } else if (hp != null) {
                gemm.sgemm(false, bs, 1f, hp, hpOff, hid, hhT, 1f, gates, gOff, gw);
            }
            // 3. gates and state
            int time = t;
            int before = prevT;
            switch (s.cell()) {
                case RNN_TANH, RNN_RELU -> overSamples(s, (b0, b1) -> {
                    // G = 1: a sample's gate row is its h
                    int from = gOff + b0 * hid;
                    int n = (b1 - b0) * hid;
                    if (s.cell() == Cell.RNN_TANH) {
                        k.tanh(gates, from, gates, from, n);
                    } else {
                        k.relu(gates, from, gates, from, n);
                    }
                    System.arraycopy(gates, from, out, time * state + b0 * hid, n);
                });
                case LSTM -> overSamples(s, (b0, b1) -> lstmStep(s, gates, time, before, c0, out, b0, b1));
                case GRU -> overSamples(s, (b0, b1) -> gruStep(s, gates, hw, hnBias, time, hp, hpOff, out, b0, b1));
            }
            prevT = t;
        }
        if (hT != null) {
            System.arraycopy(out, prevT * state, hT, 0, state);
        }
        if (cT != null) {
            System.arraycopy(gates, extraOffset(s, prevT), cT, 0, state);
        }
    }

    /** b_ih + b_hh per gate row (the GRU n block without b_hn), or null when the layer has no biases. */
    /** w: [rows, cols] -> [cols, rows]. */
    private static float[] transposed(float[] w, int rows, int cols) {
        float[] t = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            int from = r * cols;
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = w[from + c];
            }
        }
        return t;
    }

    private static float[] foldedBias(RecurrentShape s, RecurrentWeights w) {
        if (w.biasIh() == null && w.biasHh() == null) {
            return null;
        }
        int gw = s.gateWidth();
        int hhEnd = s.cell() == Cell.GRU ? 2 * s.hidden() : gw;
        float[] folded = new float[gw];
        for (int r = 0; r < gw; r++) {
            float v = w.biasIh() == null ? 0f : w.biasIh()[r];
            if (r < hhEnd && w.biasHh() != null) {
                v += w.biasHh()[r];
            }
            folded[r] = v;
        }
        return folded;
    }

    /**
     * LSTM step at time t: gates[t] holds the pre-activations i, f, g, o per sample; activates them
     * in place, writes c_t and tanh(c_t) into saved and h_t = o tanh(c_t) into out.
     */
    private void lstmStep(RecurrentShape s, float[] gates, int t, int prevT, float[] c0, float[] out, int b0, int b1) {
        int bs = s.batch();
        int hid = s.hidden();
        int gw = s.gateWidth();
        int cOff = extraOffset(s, t);
        int tcOff = tanhCellOffset(s, t);
        float[] cPrev = prevT < 0 ? c0 : gates;
        int cPrevOff = prevT < 0 ? 0 : extraOffset(s, prevT);
        for (int b = b0; b < b1; b++) {
            int row = t * bs * gw + b * gw;
            k.sigmoid(gates, row, gates, row, 2 * hid);
            k.tanh(gates, row + 2 * hid, gates, row + 2 * hid, hid);
            k.sigmoid(gates, row + 3 * hid, gates, row + 3 * hid, hid);
            int c = cOff + b * hid;
            if (cPrev == null) {
                for (int j = 0; j < hid; j++) {
                    gates[c + j] = gates[row + j] * gates[row + 2 * hid + j];
                }
            } else {
                int cp = cPrevOff + b * hid;
                for (int j = 0; j < hid; j++) {
                    gates[c + j] = gates[row + hid + j] * cPrev[cp + j] + gates[row + j] * gates[row + 2 * hid + j];
                }
            }
        }
        k.tanh(gates, cOff + b0 * hid, gates, tcOff + b0 * hid, (b1 - b0) * hid);
        int outOff = t * s.stateSize();
        for (int b = b0; b < b1; b++) {
            int o = t * bs * gw + b * gw + 3 * hid;
            int tc = tcOff + b * hid;
            int h = outOff + b * hid;
            for (int j = 0; j < hid; j++) {
                out[h + j] = gates[o + j] * gates[tc + j];
            }
        }
    }

    /**
     * GRU step at time t: gates[t] holds x-side pre-activations (r and z with both biases, n with
     * b_in), hw the h-side W_hh h_{t-1} without b_hh; writes r, z, n activated, W_hn h + b_hn into
     * saved, and h_t = (1 - z) n + z h_{t-1} into out.
     */
    private void gruStep(RecurrentShape s, float[] gates, float[] hw, float[] hnBias, int t,
                         float[] hp, int hpOff, float[] out, int b0, int b1) {
        int bs = s.batch();
        int hid = s.hidden();
        int gw = s.gateWidth();
        int hnOff = extraOffset(s, t);
        int outOff = t * s.stateSize();
        for (int b = b0; b < b1; b++) {
            int row = t * bs * gw + b * gw;
            int hrow = b * gw;
            k.add(gates, row, hw, hrow, gates, row, 2 * hid);
            k.sigmoid(gates, row, gates, row, 2 * hid);
            int hn = hnOff + b * hid;
            for (int j = 0; j < hid; j++) {
                float v = hw[hrow + 2 * hid + j] + (hnBias == null ? 0f : hnBias[2 * hid + j]);
                gates[hn + j] = v;
                gates[row + 2 * hid + j] += gates[row + j] * v;
            }
            k.tanh(gates, row + 2 * hid, gates, row + 2 * hid, hid);
            int h = outOff + b * hid;
            for (int j = 0; j < hid; j++) {
                float z = gates[row + hid + j];
                float n = gates[row + 2 * hid + j];
                float prev = hp == null ? 0f : hp[hpOff + b * hid + j];
                out[h + j] = n + z * (prev - n);
            }
        }
    }

    @Override
    void runBackward(RecurrentShape s, float[] x, RecurrentWeights w, float[] h0, float[] c0,
                     float[] out, float[] saved, float[] dOut, float[] dhT, float[] dcT, RecurrentGrads g) {
        int bs = s.batch();
        int in = s.input();
        int hid = s.hidden();
        int gw = s.gateWidth();
        int rows = s.steps() * bs;
        int state = s.stateSize();
        boolean gru = s.cell() == Cell.GRU;
        float[] dGx = new float[rows * gw];
        // the hidden side's gate gradients: the same as the input side's but for GRU's n block
        float[] dGh = gru ? new float[rows * gw] : dGx;
        float[] dh = dhT == null ? new float[state] : dhT.clone();
        float[] dc = s.cell() == Cell.LSTM ? (dcT == null ? new float[state] : dcT.clone()) : null;
        PreparedB hh = new PreparedB(false, gw, hid, w.hh(), 0, hid);

        for (int step = s.steps() - 1; step >= 0; step--) {
            int t = s.timeOf(step);
            int prevT = step == 0 ? -1 : s.timeOf(step - 1);
            if (dOut != null) {
                k.add(dh, 0, dOut, t * state, dh, 0, state);
            }
            int gOff = t * bs * gw;
            int time = t;
            int before = prevT;
            switch (s.cell()) {
                case RNN_TANH -> overSamples(s, (b0, b1) ->
                        k.tanhBackward(saved, gOff + b0 * hid, dh, b0 * hid, dGx, gOff + b0 * hid, (b1 - b0) * hid));
                case RNN_RELU -> overSamples(s, (b0, b1) -> {
                    for (int i = b0 * hid; i < b1 * hid; i++) {
                        dGx[gOff + i] = saved[gOff + i] > 0f ? dh[i] : 0f;
                    }
                });
                case LSTM -> overSamples(s, (b0, b1) -> lstmBackStep(s, saved, time, before, c0, dh, dc, dGx, b0, b1));
                case GRU -> overSamples(s, (b0, b1) -> gruBackStep(s, saved, time, before < 0 ? h0 : out,
                        before < 0 ? 0 : before * state, dh, dGx, dGh, b0, b1));
            }
            if (step > 0 || g.dh0() != null) {
                // dh_{t-1} = dG_t [B, gw] x W_hh [gw, H] (+ GRU's direct z dh, already in dh)
                gemm.sgemm(false, bs, 1f, dGh, gOff, gw, hh, gru ? 1f : 0f, dh, 0, hid);
            }
        }
        if (g.dh0() != null) {
            System.arraycopy(dh, 0, g.dh0(), 0, state);
        }
        if (g.dc0() != null) {
            System.arraycopy(dc, 0, g.dc0(), 0, state);
        }
        if (g.dIh() != null) {
            // dW_ih [gw, I] = dG^T [gw, T * B] x X [T * B, I]
            gemm.sgemm(true, false, gw, in, rows, 1f, dGx, 0, gw, x, 0, in, 0f, g.dIh(), 0, in);
        }
        if (g.dHh() != null) {
            hiddenWeightGradient(s, h0, out, dGh, g.dHh());
        }
        if (g.dBiasIh() != null) {
            Arrays.fill(g.dBiasIh(), 0f);
            k.sumRowsInto(dGx, 0, rows, gw, g.dBiasIh(), 0);
        }
        if (g.dBiasHh() != null) {
            Arrays.fill(g.dBiasHh(), 0f);
            k.sumRowsInto(dGh, 0, rows, gw, g.dBiasHh(), 0);
        }
        if (g.dx() != null) {
            // dx [T * B, I] = dG [T * B, gw] x W_ih [gw, I]
            gemm.sgemm(false, false, rows, in, gw, 1f, dGx, 0, gw, w.ih(), 0, in, 0f, g.dx(), 0, in);
        }
    }

    /**
     * dW_hh [gw, H] = sum over t of dG_t^T h_{t-1}: the steps after the first run pair with out
     * shifted by one step (one GEMM over (T - 1) * B rows), the first step run with h0.
     */
    private void hiddenWeightGradient(RecurrentShape s, float[] h0, float[] out, float[] dGh, float[] dHh) {
        int bs = s.batch();
        int hid = s.hidden();
        int gw = s.gateWidth();
        int later = (s.steps() - 1) * bs;
        // forward: dG[1..T-1] with out[0..T-2]; reversed: dG[0..T-2] with out[1..T-1]
        int dgLater = s.reverse() ? 0 : bs * gw;
        int outLater = s.reverse() ? s.stateSize() : 0;
        int dgFirst = s.timeOf(0) * bs * gw;
        float beta = 0f;
        if (later > 0) {
            gemm.sgemm(true, false, gw, hid, later, 1f, dGh, dgLater, gw, out, outLater, hid, 0f, dHh, 0, hid);
            beta = 1f;
        }
        if (h0 != null) {
            gemm.sgemm(true, false, gw, hid, bs, 1f, dGh, dgFirst, gw, h0, 0, hid, beta, dHh, 0, hid);
        } else if (later == 0) {
            Arrays.fill(dHh, 0f);
        }
    }

    /** LSTM gate gradients of step t from dh (h_t) and dc (c_t, replaced by dc_{t-1}). */
    private static void lstmBackStep(RecurrentShape s, float[] saved, int t, int prevT, float[] c0,
                                     float[] dh, float[] dc, float[] dG, int b0, int b1) {
        int bs = s.batch();
        int hid = s.hidden();
        int gw = s.gateWidth();
        int tcOff = tanhCellOffset(s, t);
        float[] cPrev = prevT < 0 ? c0 : saved;
        int cPrevOff = prevT < 0 ? 0 : extraOffset(s, prevT);
        for (int b = b0; b < b1; b++) {
            int row = t * bs * gw + b * gw;
            int sb = b * hid;
            for (int j = 0; j < hid; j++) {
                float ig = saved[row + j];
                float fg = saved[row + hid + j];
                float gg = saved[row + 2 * hid + j];
                float og = saved[row + 3 * hid + j];
                float tc = saved[tcOff + sb + j];
                float cp = cPrev == null ? 0f : cPrev[cPrevOff + sb + j];
                float dhv = dh[sb + j];
                float dcv = dc[sb + j] + dhv * og * (1f - tc * tc);
                dG[row + j] = dcv * gg * ig * (1f - ig);
                dG[row + hid + j] = dcv * cp * fg * (1f - fg);
                dG[row + 2 * hid + j] = dcv * ig * (1f - gg * gg);
                dG[row + 3 * hid + j] = dhv * tc * og * (1f - og);
                dc[sb + j] = dcv * fg;
            }
        }
    }

    /** GRU gate gradients of step t from dh (h_t); dh is replaced by its direct part z dh (the GEMM adds the rest). */
    private static void gruBackStep(RecurrentShape s, float[] saved, int t, float[] hp, int hpOff,
                                    float[] dh, float[] dGx, float[] dGh, int b0, int b1) {
        int bs = s.batch();
        int hid = s.hidden();
        int gw = s.gateWidth();
        int hnOff = extraOffset(s, t);
        for (int b = b0; b < b1; b++) {
            int row = t * bs * gw + b * gw;
            int sb = b * hid;
            for (int j = 0; j < hid; j++) {
                float rg = saved[row + j];
                float zg = saved[row + hid + j];
                float ng = saved[row + 2 * hid + j];
                float hn = saved[hnOff + sb + j];
                float prev = hp == null ? 0f : hp[hpOff + sb + j];
                float dhv = dh[sb + j];
                float dn = dhv * (1f - zg) * (1f - ng * ng);
                float dz = dhv * (prev - ng) * zg * (1f - zg);
                float dr = dn * hn * rg * (1f - rg);
                dGx[row + j] = dr;
                dGx[row + hid + j] = dz;
                dGx[row + 2 * hid + j] = dn;
                dGh[row + j] = dr;
                dGh[row + hid + j] = dz;
                dGh[row + 2 * hid + j] = dn * rg;
                dh[sb + j] = dhv * zg;
            }
        }
    }
}
