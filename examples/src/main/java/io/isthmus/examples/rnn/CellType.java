package io.isthmus.examples.rnn;

import io.isthmus.nn.GRU;
import io.isthmus.nn.LSTM;
import io.isthmus.nn.RNN;
import io.isthmus.nn.RecurrentLayer;
import io.isthmus.tensor.Tensor;

import java.util.Locale;

/** The recurrent cells a trainer offers on the command line ({@code --cell rnn|lstm|gru}). */
public enum CellType {
    RNN, LSTM, GRU;

    /** A batch-first stack of {@code layers} layers of this cell: input [B, T, inputSize]. */
    public RecurrentLayer build(int inputSize, int hiddenSize, int layers) {
        return switch (this) {
            case RNN -> io.isthmus.nn.RNN.builder(inputSize, hiddenSize).numLayers(layers).batchFirst(true).build();
            case LSTM -> io.isthmus.nn.LSTM.builder(inputSize, hiddenSize).numLayers(layers).batchFirst(true).build();
            case GRU -> io.isthmus.nn.GRU.builder(inputSize, hiddenSize).numLayers(layers).batchFirst(true).build();
        };
    }

    /** The output sequence of {@code layer} (built by {@link #build}) from zero states: [B, T, I] -> [B, T, H]. */
    public static Tensor outputs(RecurrentLayer layer, Tensor input) {
        return switch (layer) {
            case LSTM lstm -> lstm.forward(input).output();
            case GRU gru -> gru.forward(input).output();
            case RNN rnn -> rnn.forward(input).output();
            default -> throw new IllegalArgumentException("not an RNN, LSTM or GRU: " + layer.getClass().getName());
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
