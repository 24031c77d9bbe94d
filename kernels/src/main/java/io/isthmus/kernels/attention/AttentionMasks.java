package io.isthmus.kernels.attention;

/**
 * The masks of one attention call in kernel form (flat arrays, no tensors):
 * {@code causal}: query i sees keys j &lt;= i + (Tk - Tq); {@code additive}: null or
 * [addBatches, addHeads, Tq, Tk] floats added to the scaled scores, addBatches in {1, B} and
 * addHeads in {1, h} (1 broadcasts); {@code keyPadding}: null or [B, Tk] ints, nonzero = hidden.
 */
public record AttentionMasks(boolean causal, float[] additive, int addBatches, int addHeads, int[] keyPadding) {

    /** Nothing masked. */
    public static final AttentionMasks NONE = new AttentionMasks(false, null, 1, 1, null);

    /** Offset of row (b, h, i) of the additive mask, whose Tk entries follow. */
    int additiveRow(int b, int h, int i, int tq, int tk) {
        int bb = addBatches == 1 ? 0 : b;
        int hh = addHeads == 1 ? 0 : h;
        return ((bb * addHeads + hh) * tq + i) * tk;
    }

    /** One past the last key query i may see (Tk when not causal). */
    int keyLimit(int i, int tq, int tk) {
        return causal ? Math.max(0, Math.min(tk, i + (tk - tq) + 1)) : tk;
    }
}
