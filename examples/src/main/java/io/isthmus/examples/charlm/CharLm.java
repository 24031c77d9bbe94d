package io.isthmus.examples.charlm;

import io.isthmus.nn.Embedding;
import io.isthmus.nn.GRU;
import io.isthmus.nn.LSTM;
import io.isthmus.nn.Linear;
import io.isthmus.nn.LstmOutput;
import io.isthmus.nn.Module;
import io.isthmus.nn.RecurrentLayer;
import io.isthmus.nn.RecurrentOutput;
import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

import java.util.Locale;
import java.util.Map;

/**
 * A character language model: Embedding(V, E) -> LSTM or GRU (H, L layers) -> Linear(H, V), the
 * W7 script's {@code CharLSTM} with its parameter names ({@code emb.weight},
 * {@code lstm.weight_ih_l0}, ..., {@code out.bias}; {@code gru.*} for a GRU), so its state dict
 * and PyTorch's are interchangeable. Time-major like W7: ids [T, B] -> logits [T, B, V].
 *
 * <p>The recurrent state goes in and comes out ({@link State}), so that text is generated one
 * character at a time without re-running the prefix, and stateful training can carry it from
 * batch to batch.
 */
public final class CharLm extends Module {

    /** The recurrent cell: {@code --cell lstm|gru}. */
    public enum Cell {
        LSTM, GRU;

        /** The state dict's name of the recurrent module: "lstm" or "gru". */
        String moduleName() {
            return name().toLowerCase(Locale.ROOT);
        }

        @Override
        public String toString() {
            return moduleName();
        }
    }

    /**
     * The recurrent state after a step: h and (LSTM only, else null) c, each [L, B, H].
     */
    public record State(Tensor hidden, Tensor cell) {

        /** The same values cut from the graph: the next backward stops here (truncated BPTT). */
        public State detached() {
            return new State(hidden.detach(), cell == null ? null : cell.detach());
        }
    }

    /** What {@link #forward} returns: logits [T, B, V] and the state after the last step. */
    public record Step(Tensor logits, State state) {
    }

    private final Cell cell;
    private final int vocabularySize;
    private final int embeddingSize;
    private final int hiddenSize;
    private final int layers;
    private final Embedding embedding;
    private final RecurrentLayer recurrent;
    private final Linear out;

    /**
     * Weights drawn as PyTorch draws them (embedding N(0, 1), recurrent and linear uniform in
     * ±1/sqrt(fan)), in the order embedding, recurrent, linear, from the global seeds.
     *
     * @param dropout between recurrent layers (training only), in [0, 1)
     */
    public CharLm(Cell cell, int vocabularySize, int embeddingSize, int hiddenSize, int layers, float dropout) {
        this.cell = cell;
        this.vocabularySize = vocabularySize;
        this.embeddingSize = embeddingSize;
        this.hiddenSize = hiddenSize;
        this.layers = layers;
        this.embedding = registerModule("emb", new Embedding(vocabularySize, embeddingSize));
        this.recurrent = registerModule(cell.moduleName(), switch (cell) {
            case LSTM -> LSTM.builder(embeddingSize, hiddenSize).numLayers(layers).dropout(dropout).build();
            case GRU -> GRU.builder(embeddingSize, hiddenSize).numLayers(layers).dropout(dropout).build();
        });
        this.out = registerModule("out", new Linear(hiddenSize, vocabularySize));
    }

    /**
     * The model a state dict of this class describes (from {@code --generate}'s checkpoint): the
     * cell from the recurrent module's name, V and E from {@code emb.weight} [V, E], H from
     * {@code weight_hh_l0} [G * H, H], the layers from the count of {@code weight_ih_l*}. The
     * weights are not loaded; call {@link #loadStateDict}.
     *
     * @throws IllegalArgumentException naming what is missing or inconsistent
     */
    public static CharLm describedBy(Map<String, Tensor> state) {
        Tensor emb = state.get("emb.weight");
        if (emb == null || emb.dim() != 2) {
            throw new IllegalArgumentException("no character model here: expected emb.weight [V, E], found keys "
                    + state.keySet());
        }
        Cell cell = null;
        for (Cell c : Cell.values()) {
            if (state.containsKey(c.moduleName() + ".weight_hh_l0")) {
                cell = c;
            }
        }
        if (cell == null) {
            throw new IllegalArgumentException("no recurrent weights lstm.weight_hh_l0 or gru.weight_hh_l0, found keys "
                    + state.keySet());
        }
        int hidden = state.get(cell.moduleName() + ".weight_hh_l0").size(1);
        int layers = 0;
        while (state.containsKey(cell.moduleName() + ".weight_ih_l" + layers)) {
            layers++;
        }
        return new CharLm(cell, emb.size(0), emb.size(1), hidden, layers, 0f);
    }

    /**
     * ids [T, B] (time-major; [T, 1] for one stream) from {@code state} (null: zeros) -> logits
     * [T, B, V] and the state after step T.
     */
    public Step forward(IndexTensor ids, State state) {
        if (ids.dim() != 2) {
            throw new IllegalArgumentException("CharLm expects ids [T, B], got " + Shape.str(ids.shape()));
        }
        Tensor x = embedding.forward(ids);
        Tensor h0 = state == null ? null : state.hidden();
        Tensor output;
        State next;
        if (recurrent instanceof LSTM lstm) {
            LstmOutput r = lstm.forward(x, h0, state == null ? null : state.cell());
            output = r.output();
            next = new State(r.hidden(), r.cell());
        } else {
            RecurrentOutput r = ((GRU) recurrent).forward(x, h0);
            output = r.output();
            next = new State(r.hidden(), null);
        }
        return new Step(out.forward(output), next);
    }

    /** ids [B, T] as they come in a batch of windows, made time-major [T, B] (a copy of the ints). */
    public static IndexTensor timeMajor(IndexTensor batchFirst) {
        if (batchFirst.dim() != 2) {
            throw new IllegalArgumentException("expected ids [B, T], got " + Shape.str(batchFirst.shape()));
        }
        int batch = batchFirst.shape()[0];
        int steps = batchFirst.shape()[1];
        int[] from = batchFirst.data();
        int[] to = new int[from.length];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < steps; t++) {
                to[t * batch + b] = from[b * steps + t];
            }
        }
        return IndexTensor.of(to, steps, batch);
    }

    public Cell cell() {
        return cell;
    }

    public int vocabularySize() {
        return vocabularySize;
    }

    public int embeddingSize() {
        return embeddingSize;
    }

    public int hiddenSize() {
        return hiddenSize;
    }

    public int layers() {
        return layers;
    }

    /** E.g. "Embedding(65, 64) -> LSTM(64, 256) -> Linear(256, 65)". */
    public String description() {
        return String.format(Locale.ROOT, "Embedding(%d, %d) -> %s(%s) -> Linear(%d, %d)", vocabularySize,
                embeddingSize, cell.name(), recurrent.describe(), hiddenSize, vocabularySize);
    }
}
