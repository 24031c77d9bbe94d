package io.isthmus.ops;

import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

/**
 * Moving between the token-major layout of projections ([B, T, E]) and the head-major layout of
 * attention ([B, h, T, d], E = h * d) in one pass each way, instead of a reshape, a transpose and
 * a copy per tensor. {@link #split} cuts a fused projection (GPT's qkv: [B, T, 3E]) into its
 * parts already head-major; {@link #merge} puts the attention output back as [B, T, E].
 */
public final class AttentionHeads {

    private AttentionHeads() {
    }

    /**
     * x: [B, T, parts * h * d] -> {@code parts} tensors [B, h, T, d]: part p, head j, token t is
     * {@code x[b, t, p * h * d + j * d .. + d)} (PyTorch's {@code x.split(E, -1)} then
     * {@code view(B, T, h, d).transpose(1, 2)} of each).
     *
     * @throws IllegalArgumentException when x is not 3-d or its last size is not a multiple of parts * heads
     */
    public static Tensor[] split(Tensor x, int parts, int heads) {
        int[] s = x.shape();
        if (parts < 1 || heads < 1) {
            throw new IllegalArgumentException("attention heads split needs parts >= 1 and heads >= 1, got parts "
                    + parts + ", heads " + heads);
        }
        if (s.length != 3 || s[2] % (parts * heads) != 0 || s[2] == 0) {
            throw new IllegalArgumentException("attention heads split expects x [B, T, parts * heads * d] with "
                    + parts + " parts of " + heads + " heads, got " + Shape.str(s));
        }
        int batch = s[0];
        int steps = s[1];
        int width = s[2];
        int d = width / (parts * heads);
        float[] xd = x.data();
        float[][] out = new float[parts][batch * heads * steps * d];
        int[][] shapes = new int[parts][];
        for (int p = 0; p < parts; p++) {
            shapes[p] = new int[]{batch, heads, steps, d};
        }
        forEachRow(batch, heads, steps, parts, d, width, (p, from, to) -> System.arraycopy(xd, from, out[p], to, d));
        return Tensor.results(out, shapes, "split_heads", (gradOuts, grads) -> {
            if (!grads.needs(x)) {
                return;
            }
            // Parts without a gradient leave their columns zero.
            float[] g = grads.zeroed(x);
            forEachRow(batch, heads, steps, parts, d, width, (p, from, to) -> {
                if (gradOuts[p] != null) {
                    System.arraycopy(gradOuts[p], to, g, from, d);
                }
            });
        }, x);
    }

    /** x: [B, h, T, d] -> [B, T, h * d], head j of token t at columns j * d .. + d. */
    public static Tensor merge(Tensor x) {
        int[] s = x.shape();
        if (s.length != 4) {
            throw new IllegalArgumentException("attention heads merge expects x [B, h, T, d], got " + Shape.str(s));
        }
        int batch = s[0];
        int heads = s[1];
        int steps = s[2];
        int d = s[3];
        int width = heads * d;
        float[] xd = x.data();
        float[] out = new float[xd.length];
        forEachRow(batch, heads, steps, 1, d, width, (p, to, from) -> System.arraycopy(xd, from, out, to, d));
        return Tensor.result(out, new int[]{batch, steps, width}, "merge_heads", (gradOut, grads) -> {
            float[] g = grads.overwrite(x);
            forEachRow(batch, heads, steps, 1, d, width, (p, to, from) -> System.arraycopy(gradOut, to, g, from, d));
        }, x);
    }

    /** One row of d values: part p, at {@code tokenMajor} in [B, T, width] and {@code headMajor} in part p's [B, h, T, d]. */
    private interface Row {
        void copy(int part, int tokenMajor, int headMajor);
    }

    private static void forEachRow(int batch, int heads, int steps, int parts, int d, int width, Row row) {
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < steps; t++) {
                int tokenRow = (b * steps + t) * width;
                for (int p = 0; p < parts; p++) {
                    for (int j = 0; j < heads; j++) {
                        row.copy(p, tokenRow + (p * heads + j) * d, ((b * heads + j) * steps + t) * d);
                    }
                }
            }
        }
    }
}
