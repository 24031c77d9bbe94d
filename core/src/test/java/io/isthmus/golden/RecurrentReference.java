package io.isthmus.golden;

import java.util.List;

/**
 * Stacked, optionally bidirectional RNN / LSTM / GRU in float64, written from PyTorch's
 * equations step by step with no shared code with the kernels: the oracle of the recurrent
 * odd-size and module tests. Time-major: x [T, B, I]; states [L * D, B, H]; output [T, B, D * H].
 */
final class RecurrentReference {

    /** "rnn_tanh", "rnn_relu", "lstm" or "gru". */
    private final String cell;
    private final int layers;
    private final int directions;
    private final int hidden;

    RecurrentReference(String cell, int layers, int directions, int hidden) {
        this.cell = cell;
        this.layers = layers;
        this.directions = directions;
        this.hidden = hidden;
    }

    int gates() {
        return switch (cell) {
            case "lstm" -> 4;
            case "gru" -> 3;
            default -> 1;
        };
    }

    /** {output [T, B, D * H], hN [L * D, B, H], cN [L * D, B, H] (LSTM; else null)}. */
    record Result(double[] output, double[] hN, double[] cN) {
    }

    /**
     * weights: per layer-direction (index layer * D + d) {weight_ih, weight_hh, bias_ih, bias_hh}
     * (biases may be null); h0, c0: [L * D, B, H] or null.
     */
    Result run(double[] x, int steps, int batch, int input, List<double[][]> weights, double[] h0, double[] c0) {
        int hd = hidden;
        double[] layerIn = x;
        int in = input;
        double[] hN = new double[layers * directions * batch * hd];
        double[] cN = new double[hN.length];
        for (int l = 0; l < layers; l++) {
            double[] layerOut = new double[steps * batch * directions * hd];
            for (int d = 0; d < directions; d++) {
                int idx = l * directions + d;
                double[][] w = weights.get(idx);
                double[][] h = new double[batch][hd];
                double[][] c = new double[batch][hd];
                for (int b = 0; b < batch; b++) {
                    for (int j = 0; j < hd; j++) {
                        h[b][j] = h0 == null ? 0 : h0[(idx * batch + b) * hd + j];
                        c[b][j] = c0 == null ? 0 : c0[(idx * batch + b) * hd + j];
                    }
                }
                for (int s = 0; s < steps; s++) {
                    int t = d == 0 ? s : steps - 1 - s;
                    for (int b = 0; b < batch; b++) {
                        double[] xt = new double[in];
                        System.arraycopy(layerIn, (t * batch + b) * in, xt, 0, in);
                        double[] ax = affine(w[0], w[2], xt, in);
                        double[] ah = affine(w[1], w[3], h[b], hd);
                        double[] next = new double[hd];
                        for (int j = 0; j < hd; j++) {
                            switch (cell) {
                                case "rnn_tanh" -> next[j] = Math.tanh(ax[j] + ah[j]);
                                case "rnn_relu" -> next[j] = Math.max(0, ax[j] + ah[j]);
                                case "lstm" -> {
                                    double i = sigmoid(ax[j] + ah[j]);
                                    double f = sigmoid(ax[hd + j] + ah[hd + j]);
                                    double g = Math.tanh(ax[2 * hd + j] + ah[2 * hd + j]);
                                    double o = sigmoid(ax[3 * hd + j] + ah[3 * hd + j]);
                                    c[b][j] = f * c[b][j] + i * g;
                                    next[j] = o * Math.tanh(c[b][j]);
                                }
                                case "gru" -> {
                                    double r = sigmoid(ax[j] + ah[j]);
                                    double z = sigmoid(ax[hd + j] + ah[hd + j]);
                                    double n = Math.tanh(ax[2 * hd + j] + r * ah[2 * hd + j]);
                                    next[j] = (1 - z) * n + z * h[b][j];
                                }
                                default -> throw new IllegalStateException(cell);
                            }
                        }
                        h[b] = next;
                        System.arraycopy(next, 0, layerOut, (t * batch + b) * directions * hd + d * hd, hd);
                    }
                }
                for (int b = 0; b < batch; b++) {
                    System.arraycopy(h[b], 0, hN, (idx * batch + b) * hd, hd);
                    System.arraycopy(c[b], 0, cN, (idx * batch + b) * hd, hd);
                }
            }
            layerIn = layerOut;
            in = directions * hd;
        }
        return new Result(layerIn, hN, cell.equals("lstm") ? cN : null);
    }

    /** W v + bias, W: [rows, cols]. */
    private static double[] affine(double[] weight, double[] bias, double[] v, int cols) {
        int rows = weight.length / cols;
        double[] y = new double[rows];
        for (int r = 0; r < rows; r++) {
            double sum = bias == null ? 0 : bias[r];
            for (int k = 0; k < cols; k++) {
                sum += weight[r * cols + k] * v[k];
            }
            y[r] = sum;
        }
        return y;
    }

    private static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }
}
