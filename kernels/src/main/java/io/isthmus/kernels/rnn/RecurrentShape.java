package io.isthmus.kernels.rnn;

/**
 * The sizes of one recurrent layer in one direction over a whole sequence, validated once.
 * Layouts (time-major, each array holding one tensor from index 0): x: [T, B, I];
 * weight_ih: [G * H, I]; weight_hh: [G * H, H]; biases: [G * H]; h0, c0, hT, cT: [B, H];
 * out: [T, B, H] (h_t at index t, also when {@code reverse}); G = {@link Cell#gates()}.
 *
 * @param cell    which recurrence
 * @param steps   T (at least 1)
 * @param batch   B (at least 1)
 * @param input   I (at least 1)
 * @param hidden  H (at least 1)
 * @param reverse run the steps from t = T - 1 down to 0 (the backward direction of a bidirectional layer)
 */
public record RecurrentShape(Cell cell, int steps, int batch, int input, int hidden, boolean reverse) {

    public RecurrentShape {
        if (cell == null) {
            throw new IllegalArgumentException("recurrent: cell is null");
        }
        if (steps < 1 || batch < 1 || input < 1 || hidden < 1) {
            throw new IllegalArgumentException(cell.label() + ": sizes [T, B, I] = [" + steps + ", " + batch + ", "
                    + input + "] and hidden " + hidden + " must all be at least 1");
        }
        long largest = (long) steps * batch * cell.gates() * hidden;
        long inputs = (long) steps * batch * input;
        long weights = (long) cell.gates() * hidden * Math.max(input, hidden);
        if (Math.max(largest, Math.max(inputs, weights)) > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(cell.label() + ": " + describeSizes(cell, steps, batch, input, hidden)
                    + " needs arrays of more than 2^31 floats");
        }
    }

    /** G * H: the rows of the weights, the width of one step's gate pre-activations. */
    public int gateWidth() {
        return cell.gates() * hidden;
    }

    public int inputSize() {
        return steps * batch * input;
    }

    public int outputSize() {
        return steps * batch * hidden;
    }

    /** One state: [B, H]. */
    public int stateSize() {
        return batch * hidden;
    }

    public int weightIhSize() {
        return gateWidth() * input;
    }

    public int weightHhSize() {
        return gateWidth() * hidden;
    }

    /**
     * Floats the forward keeps for the backward ({@code saved}): the activated gates [T, B, G * H],
     * then for LSTM c_t [T, B, H] and tanh(c_t) [T, B, H], for GRU W_hn h_{t-1} + b_hn [T, B, H];
     * a simple RNN keeps only its output (its gates hold the output's copy).
     */
    public int savedSize() {
        int gates = steps * batch * gateWidth();
        return switch (cell) {
            case LSTM -> gates + 2 * outputSize();
            case GRU -> gates + outputSize();
            case RNN_TANH, RNN_RELU -> gates;
        };
    }

    /** The time index of the s-th step run (s = 0 first). */
    public int timeOf(int step) {
        return reverse ? steps - 1 - step : step;
    }

    /** e.g. {@code lstm [T, B, I] = [50, 64, 128], hidden 256, reverse}. */
    public String describe() {
        return describeSizes(cell, steps, batch, input, hidden) + (reverse ? ", reverse" : "");
    }

    private static String describeSizes(Cell cell, int steps, int batch, int input, int hidden) {
        return cell.label() + " [T, B, I] = [" + steps + ", " + batch + ", " + input + "], hidden " + hidden;
    }
}
