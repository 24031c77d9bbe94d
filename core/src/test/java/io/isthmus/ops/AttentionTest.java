package io.isthmus.ops;

import io.isthmus.kernels.attention.AttentionKernel;
import io.isthmus.kernels.attention.AttentionMasks;
import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AttentionTest {

    private static float[] random(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return a;
    }

    private static void close(String what, float[] expected, float[] actual, double tol) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++) {
            assertFalse(Float.isNaN(actual[i]), what + "[" + i + "] is NaN");
            if (expected[i] == Float.NEGATIVE_INFINITY) {
                assertEquals(expected[i], actual[i], what + "[" + i + "]");
                continue;
            }
            double bound = tol * (1 + Math.abs(expected[i]));
            int at = i;
            assertTrue(Math.abs(expected[i] - actual[i]) <= bound,
                    () -> what + "[" + at + "]: expected " + expected[at] + ", got " + actual[at]);
        }
    }

    /** Fused vs scalar twin, forward and backward, on one configuration. */
    private static void twin(int b, int h, int tq, int tk, int d, int dv, boolean causal, boolean additive,
                             boolean padding, float dropout) {
        SplittableRandom r = new SplittableRandom(tq * 31L + tk * 7L + d);
        float[] q = random(r, b * h * tq * d);
        float[] k = random(r, b * h * tk * d);
        float[] v = random(r, b * h * tk * dv);
        float[] add = null;
        // Odd Tq + Tk with several batches: a per-batch mask broadcast over heads [B, 1, Tq, Tk]
        int addB = additive && b > 1 && (tq + tk) % 2 == 1 ? b : 1;
        int addH = addB > 1 ? 1 : h;
        if (additive) {
            add = random(r, addB * addH * tq * tk);
            add[0] = Float.NEGATIVE_INFINITY;
        }
        int[] pad = null;
        if (padding) {
            pad = new int[b * tk];
            for (int i = 0; i < pad.length; i++) {
                pad[i] = r.nextInt(4) == 0 ? 1 : 0;
            }
            pad[0] = 0;
        }
        AttentionMasks masks = new AttentionMasks(causal, add, addB, addH, pad);
        float[] dOut = random(r, b * h * tq * dv);
        String what = "B" + b + " h" + h + " Tq" + tq + " Tk" + tk + " d" + d + " dv" + dv + " causal " + causal
                + " add " + additive + " pad " + padding + " p " + dropout;
        float[][] res = new float[2][];
        float[][][] all = new float[2][][];
        AttentionKernel[] kernels = {AttentionKernel.scalar(), AttentionKernel.fast()};
        for (int n = 0; n < 2; n++) {
            float[] out = new float[b * h * tq * dv];
            float[] lse = new float[b * h * tq];
            kernels[n].forward(b, h, tq, tk, d, dv, q, k, v, masks, dropout, 42L, out, lse);
            float[] dq = new float[q.length];
            float[] dk = new float[k.length];
            float[] dvv = new float[v.length];
            java.util.Arrays.fill(dq, Float.NaN);
            java.util.Arrays.fill(dk, Float.NaN);
            java.util.Arrays.fill(dvv, Float.NaN);
            kernels[n].backward(b, h, tq, tk, d, dv, q, k, v, masks, dropout, 42L, out, lse, dOut, dq, dk, dvv);
            all[n] = new float[][] {out, lse, dq, dk, dvv};
            res[n] = out;
        }
        String[] names = {"out", "lse", "dq", "dk", "dv"};
        for (int j = 0; j < names.length; j++) {
            close(what + " " + names[j], all[0][j], all[1][j], 2e-4);
        }
    }

    @Test
    void fusedMatchesScalarOnAwkwardSizes() {
        for (int t : new int[] {1, 7, 33, 130}) {
            for (int d : new int[] {8, 64}) {
                twin(2, 3, t, t, d, d, false, false, false, 0f);
                twin(1, 2, t, t, d, d, true, false, false, 0f);
            }
        }
        twin(2, 2, 7, 33, 8, 5, false, false, false, 0f);
        twin(2, 2, 33, 7, 8, 5, true, false, false, 0f);   // Tq > Tk: first rows see nothing
        twin(2, 2, 7, 130, 16, 8, true, false, false, 0f);
        twin(2, 3, 17, 33, 8, 8, false, true, false, 0f);
        twin(2, 3, 17, 33, 8, 8, true, true, true, 0f);
        twin(3, 2, 33, 33, 8, 8, false, false, true, 0f);
        twin(2, 2, 33, 33, 8, 8, false, false, false, 0.3f);
        twin(2, 2, 130, 130, 64, 64, true, true, true, 0.1f);
        // More than one 256 x 256 tile (and two causal 128-row blocks), neither a multiple of the tile
        twin(1, 2, 300, 300, 64, 64, false, false, false, 0f);
        twin(1, 2, 270, 300, 32, 24, true, true, true, 0f);
        twin(2, 3, 17, 34, 8, 8, false, true, false, 0f);      // per-batch additive mask
        twin(2, 3, 17, 34, 8, 8, true, true, true, 0f);
        // Dropout across several key tiles: the online rescale of already-dropped P V
        twin(1, 2, 40, 300, 16, 16, false, false, false, 0.2f);
        twin(1, 1, 300, 300, 16, 16, true, false, true, 0.2f);
    }

    /** Independent double-precision reference written here. */
    @Test
    void forwardMatchesPlainReference() {
        int b = 2, h = 3, tq = 7, tk = 17, d = 5, dv = 3;
        SplittableRandom r = new SplittableRandom(5);
        Tensor q = Tensor.of(random(r, b * h * tq * d), b, h, tq, d);
        Tensor k = Tensor.of(random(r, b * h * tk * d), b, h, tk, d);
        Tensor v = Tensor.of(random(r, b * h * tk * dv), b, h, tk, dv);
        Tensor add = Tensor.of(random(r, tq * tk), tq, tk);
        int[] pad = new int[b * tk];
        pad[3] = 1;
        pad[tk + 16] = 1;
        AttentionMask mask = AttentionMask.CAUSAL.withAdditive(add).withKeyPadding(IndexTensor.of(pad, b, tk));
        float[] got = Attention.scaledDotProduct(q, k, v, mask).data();
        for (int bb = 0; bb < b; bb++) {
            for (int hh = 0; hh < h; hh++) {
                for (int i = 0; i < tq; i++) {
                    double[] s = new double[tk];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < tk; j++) {
                        boolean visible = j <= i + (tk - tq) && pad[bb * tk + j] == 0;
                        if (!visible) {
                            s[j] = Double.NEGATIVE_INFINITY;
                            continue;
                        }
                        double dot = 0;
                        for (int c = 0; c < d; c++) {
                            dot += q.data()[((bb * h + hh) * tq + i) * d + c] * (double) k.data()[((bb * h + hh) * tk + j) * d + c];
                        }
                        s[j] = dot / Math.sqrt(d) + add.data()[i * tk + j];
                        max = Math.max(max, s[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < tk; j++) {
                        sum += Math.exp(s[j] - max);
                    }
                    for (int c = 0; c < dv; c++) {
                        double o = 0;
                        for (int j = 0; j < tk; j++) {
                            o += Math.exp(s[j] - max) / sum * v.data()[((bb * h + hh) * tk + j) * dv + c];
                        }
                        float actual = got[((bb * h + hh) * tq + i) * dv + c];
                        assertEquals(o, actual, 1e-5, "b" + bb + " h" + hh + " i" + i + " c" + c);
                    }
                }
            }
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        SplittableRandom r = new SplittableRandom(11);
        Tensor q = Tensor.of(random(r, 2 * 2 * 5 * 3), 2, 2, 5, 3);
        Tensor k = Tensor.of(random(r, 2 * 2 * 7 * 3), 2, 2, 7, 3);
        Tensor v = Tensor.of(random(r, 2 * 2 * 7 * 4), 2, 2, 7, 4);
        Tensor add = Tensor.of(random(r, 2 * 5 * 7), 1, 2, 5, 7);
        IndexTensor pad = IndexTensor.of(new int[] {0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 2, 7);
        GradCheck.check("sdpa", in -> Attention.scaledDotProduct(in.get(0), in.get(1), in.get(2), AttentionMask.NONE),
                List.of(q, k, v));
        AttentionMask masked = AttentionMask.CAUSAL.withAdditive(add).withKeyPadding(pad);
        GradCheck.check("sdpa masked", in -> Attention.scaledDotProduct(in.get(0), in.get(1), in.get(2), masked),
                List.of(q, k, v));
        GradCheck.check("sdpa dropout", in -> Attention.scaledDotProduct(in.get(0), in.get(1), in.get(2), masked,
                0.25f, 7L), List.of(q, k, v));
    }

    @Test
    void dropoutIsAPureFunctionOfTheSeed() {
        SplittableRandom r = new SplittableRandom(3);
        Tensor q = Tensor.of(random(r, 2 * 2 * 33 * 8), 2, 2, 33, 8);
        Tensor k = Tensor.of(random(r, 2 * 2 * 33 * 8), 2, 2, 33, 8);
        Tensor v = Tensor.of(random(r, 2 * 2 * 33 * 8), 2, 2, 33, 8);
        float[] a = Attention.scaledDotProduct(q, k, v, AttentionMask.NONE, 0.5f, 1L).data();
        float[] b = Attention.scaledDotProduct(q, k, v, AttentionMask.NONE, 0.5f, 1L).data();
        float[] c = Attention.scaledDotProduct(q, k, v, AttentionMask.NONE, 0.5f, 2L).data();
        float[] none = Attention.scaledDotProduct(q, k, v, AttentionMask.NONE).data();
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, c));
        assertFalse(java.util.Arrays.equals(a, none));
    }

    @Test
    void fullyMaskedRowsGiveZerosAndNoNaN() {
        SplittableRandom r = new SplittableRandom(4);
        Tensor q = Tensor.of(random(r, 2 * 1 * 3 * 4), 2, 1, 3, 4);
        Tensor k = Tensor.of(random(r, 2 * 1 * 5 * 4), 2, 1, 5, 4);
        Tensor v = Tensor.of(random(r, 2 * 1 * 5 * 2), 2, 1, 5, 2);
        q.requiresGrad(true);
        k.requiresGrad(true);
        v.requiresGrad(true);
        // batch 1 pads every key; in batch 0 row 1 is hidden by an additive -inf row
        int[] pad = {0, 0, 0, 0, 0, 1, 1, 1, 1, 1};
        float[] add = new float[3 * 5];
        java.util.Arrays.fill(add, 5, 10, Float.NEGATIVE_INFINITY);
        AttentionMask mask = AttentionMask.NONE.withKeyPadding(IndexTensor.of(pad, 2, 5)).withAdditive(Tensor.of(add, 3, 5));
        Tensor out = Attention.scaledDotProduct(q, k, v, mask);
        out.backward(random(r, out.numel()));
        float[] o = out.data();
        for (int c = 0; c < 2; c++) {
            assertEquals(0f, o[(0 * 3 + 1) * 2 + c]);
            for (int i = 0; i < 3; i++) {
                assertEquals(0f, o[(3 + i) * 2 + c]);
            }
        }
        for (Tensor t : new Tensor[] {q, k, v}) {
            for (float g : t.grad()) {
                assertFalse(Float.isNaN(g));
            }
        }
        for (int c = 0; c < 4; c++) {
            assertEquals(0f, q.grad()[1 * 4 + c]);
            for (int i = 0; i < 3; i++) {
                assertEquals(0f, q.grad()[(3 + i) * 4 + c]);
            }
        }
        for (int j = 0; j < 5 * 2; j++) {
            assertEquals(0f, v.grad()[5 * 2 + j]);
        }
    }

    @Test
    void badShapesAreNamed() {
        Tensor q = Tensor.zeros(2, 3, 4, 8);
        Tensor k = Tensor.zeros(2, 3, 5, 8);
        Tensor v = Tensor.zeros(2, 3, 5, 6);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Attention.scaledDotProduct(Tensor.zeros(3, 4, 8), k, v, null));
        assertTrue(e.getMessage().contains("[3, 4, 8]") && e.getMessage().contains("rank 4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Attention.scaledDotProduct(q, Tensor.zeros(2, 3, 5, 7), v, null));
        assertTrue(e.getMessage().contains("[2, 3, 4, 8]") && e.getMessage().contains("[2, 3, 5, 7]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Attention.scaledDotProduct(q, k, Tensor.zeros(2, 3, 6, 6), null));
        assertTrue(e.getMessage().contains("[2, 3, 6, 6]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Attention.scaledDotProduct(q, k, v, AttentionMask.NONE.withAdditive(Tensor.zeros(4, 4))));
        assertTrue(e.getMessage().contains("[4, 4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Attention.scaledDotProduct(q, k, v, AttentionMask.NONE, 1f, 0L));
        assertTrue(e.getMessage().contains("dropout"), e.getMessage());
        // a mask that wants a gradient would silently get none: refused, and fine once detached
        Tensor learned = Tensor.zeros(4, 5).requiresGrad(true);
        e = assertThrows(IllegalArgumentException.class,
                () -> Attention.scaledDotProduct(q, k, v, AttentionMask.NONE.withAdditive(learned)));
        assertTrue(e.getMessage().contains("requires grad"), e.getMessage());
        assertEquals(4, Attention.scaledDotProduct(q, k, v, AttentionMask.NONE.withAdditive(learned.detach())).size(2));
        // the kernel checks that a per-batch mask broadcasts
        e = assertThrows(IllegalArgumentException.class, () -> io.isthmus.kernels.attention.AttentionKernel.fast().forward(
                4, 1, 1, 1, 1, 1, new float[4], new float[4], new float[4],
                new io.isthmus.kernels.attention.AttentionMasks(false, new float[2], 2, 1, null), 0f, 0L,
                new float[4], new float[4]));
        assertTrue(e.getMessage().contains("does not broadcast"), e.getMessage());
    }
}
