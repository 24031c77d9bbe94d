package io.isthmus.kernels.rnn;

/**
 * The recurrent cells the kernels run, with PyTorch's gate order (the row blocks of
 * {@code weight_ih} [G * H, I] and {@code weight_hh} [G * H, H]):
 * <ul>
 *   <li>{@link #RNN_TANH}, {@link #RNN_RELU}: h' = act(W_ih x + b_ih + W_hh h + b_hh), G = 1;</li>
 *   <li>{@link #LSTM}: gates i, f, g, o (G = 4); c' = f c + i g, h' = o tanh(c');</li>
 *   <li>{@link #GRU}: gates r, z, n (G = 3); n = tanh(W_in x + b_in + r (W_hn h + b_hn)),
 *       h' = (1 - z) n + z h.</li>
 * </ul>
 */
public enum Cell {
    RNN_TANH(1, "rnn_tanh"),
    RNN_RELU(1, "rnn_relu"),
    LSTM(4, "lstm"),
    GRU(3, "gru");

    private final int gates;
    private final String label;

    Cell(int gates, String label) {
        this.gates = gates;
        this.label = label;
    }

    /** G: how many H-row blocks the weights stack. */
    public int gates() {
        return gates;
    }

    /** Whether the cell carries a cell state c besides h (LSTM only). */
    public boolean hasCellState() {
        return this == LSTM;
    }

    /** PyTorch's mode name: rnn_tanh, rnn_relu, lstm, gru. */
    public String label() {
        return label;
    }
}
