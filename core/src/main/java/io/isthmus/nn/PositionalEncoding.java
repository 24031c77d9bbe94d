package io.isthmus.nn;

import io.isthmus.tensor.Tensor;

/**
 * The sinusoidal positional encoding of the PyTorch transformer tutorial, added to x: [B, T, E]
 * (then dropout, training only): pe[p, 2i] = sin(p / 10000^(2i/E)), pe[p, 2i+1] = cos(p / 10000^(2i/E)).
 * The table pe: [maxLen, E] is a buffer named {@code pe} (saved, not trained). {@link #forward(Tensor, int)}
 * takes a position offset, so that incremental decoding of token t adds row t.
 */
public class PositionalEncoding extends Layer {

    private final int dModel;
    private final int maxLen;
    private final Tensor pe;
    private final Dropout dropout;

    /** No dropout. */
    public PositionalEncoding(int dModel, int maxLen) {
        this(dModel, maxLen, 0f);
    }

    public PositionalEncoding(int dModel, int maxLen, float dropout) {
        if (dModel <= 0 || maxLen <= 0) {
            throw new IllegalArgumentException("PositionalEncoding needs positive sizes, got d_model=" + dModel
                    + ", max_len=" + maxLen);
        }
        this.dModel = dModel;
        this.maxLen = maxLen;
        this.pe = registerBuffer("pe", Tensor.of(table(maxLen, dModel), maxLen, dModel));
        this.dropout = registerModule("dropout", new Dropout(dropout));
    }

    /** The table [maxLen, dModel], computed in double and rounded once. */
    public static float[] table(int maxLen, int dModel) {
        float[] t = new float[maxLen * dModel];
        for (int p = 0; p < maxLen; p++) {
            for (int c = 0; c < dModel; c++) {
                int even = c - (c & 1);
                double angle = p / Math.pow(10000.0, (double) even / dModel);
                t[p * dModel + c] = (float) ((c & 1) == 0 ? Math.sin(angle) : Math.cos(angle));
            }
        }
        return t;
    }

    @Override
    protected Tensor compute(Tensor input) {
        return encode(input, 0);
    }

    /** x: [B, T, E] plus rows offset .. offset + T - 1 of the table, then dropout. */
    public Tensor forward(Tensor x, int offset) {
        return recordOutput(encode(x, offset));
    }

    private Tensor encode(Tensor x, int offset) {
        return dropout.forward(PositionRows.add("PositionalEncoding", "d_model", x, pe, offset));
    }

    /** The table [maxLen, dModel] (a buffer). */
    public Tensor pe() {
        return pe;
    }

    public int maxLen() {
        return maxLen;
    }

    @Override
    public String describe() {
        return "d_model=" + dModel + ", max_len=" + maxLen;
    }
}
