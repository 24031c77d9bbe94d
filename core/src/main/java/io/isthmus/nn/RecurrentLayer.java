package io.isthmus.nn;

import io.isthmus.kernels.rnn.Cell;
import io.isthmus.ops.Joining;
import io.isthmus.ops.Recurrent;
import io.isthmus.ops.ShapeOps;
import io.isthmus.tensor.Seeds;
import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * What {@link RNN}, {@link LSTM} and {@link GRU} share: PyTorch's parameters, options and
 * state layout, and the stacking of layers and directions around the fused one-layer op
 * ({@link Recurrent#layer}).
 *
 * <p>Parameters, per layer k and direction (suffix {@code _reverse} for the backward one), in
 * PyTorch's order and layout: {@code weight_ih_lk} [G * H, I_k], {@code weight_hh_lk} [G * H, H],
 * {@code bias_ih_lk} and {@code bias_hh_lk} [G * H], with I_0 = inputSize and I_k = D * H after
 * (D = 2 when bidirectional), G = 1 (RNN), 4 (LSTM: i, f, g, o), 3 (GRU: r, z, n). All are
 * uniform in ±1/sqrt(H) (PyTorch's default), drawn in that order, so a PyTorch state dict loads
 * as it is.
 *
 * <p>Shapes: input [T, B, I] ([B, T, I] with batchFirst) or unbatched [T, I]; output
 * [T, B, D * H] (batch-first likewise; [T, D * H] unbatched); states [numLayers * D, B, H]
 * ([numLayers * D, H] unbatched), whatever batchFirst says, as in PyTorch. Between layers,
 * dropout (inverted, training mode only) is applied to each layer's output but the last.
 */
public abstract class RecurrentLayer extends Module implements RandomState {


    private final Cell cell;
    private final int inputSize;
    private final int hiddenSize;
    private final int numLayers;
    private final boolean bidirectional;
    private final boolean batchFirst;
    private final float dropout;
    private final boolean bias;
    /** Per layer-direction (index layer * D + direction): {weight_ih, weight_hh, bias_ih, bias_hh}, biases null without bias. */
    private final List<Tensor[]> weights = new ArrayList<>();
    private final DropoutSeeds dropoutSeeds;

    RecurrentLayer(Builder<?> b, Cell cell) {
        if (b.inputSize <= 0 || b.hiddenSize <= 0) {
            throw new IllegalArgumentException(cell.label() + " needs positive sizes, got input_size=" + b.inputSize
                    + ", hidden_size=" + b.hiddenSize);
        }
        if (b.numLayers < 1) {
            throw new IllegalArgumentException(cell.label() + ": num_layers must be at least 1, got " + b.numLayers);
        }
        if (!(b.dropout >= 0f && b.dropout < 1f)) {
            throw new IllegalArgumentException(cell.label() + ": dropout must be in [0, 1), got " + b.dropout);
        }
        this.cell = cell;
        this.inputSize = b.inputSize;
        this.hiddenSize = b.hiddenSize;
        this.numLayers = b.numLayers;
        this.bidirectional = b.bidirectional;
        this.batchFirst = b.batchFirst;
        this.dropout = b.dropout;
        this.bias = b.bias;
        SplittableRandom random = b.random != null ? b.random : Seeds.next();
        float bound = (float) (1 / Math.sqrt(hiddenSize));
        int rows = cell.gates() * hiddenSize;
        for (int layer = 0; layer < numLayers; layer++) {
            int in = layer == 0 ? inputSize : directions() * hiddenSize;
            for (int d = 0; d < directions(); d++) {
                String suffix = "_l" + layer + (d == 1 ? "_reverse" : "");
                Tensor[] w = new Tensor[4];
                w[0] = registerParameter("weight_ih" + suffix, Tensor.uniform(random, -bound, bound, rows, in));
                w[1] = registerParameter("weight_hh" + suffix, Tensor.uniform(random, -bound, bound, rows, hiddenSize));
                if (bias) {
                    w[2] = registerParameter("bias_ih" + suffix, Tensor.uniform(random, -bound, bound, rows));
                    w[3] = registerParameter("bias_hh" + suffix, Tensor.uniform(random, -bound, bound, rows));
                }
                weights.add(w);
            }
        }
        // after the weights, so they are the same draws as without dropout
        this.dropoutSeeds = new DropoutSeeds(random.nextLong());
    }

    /**
     * Runs every layer and direction: input as {@link RecurrentLayer} documents, h0 (and c0 for
     * LSTM) [numLayers * D, B, H] or null for zeros. Returns {output, hN} and cN third for LSTM.
     */
    Tensor[] run(Tensor input, Tensor h0, Tensor c0) {
        String name = getClass().getSimpleName();
        int rank = input.dim();
        if (rank != 2 && rank != 3) {
            throw new IllegalArgumentException(name + "(" + describe() + ") expects input "
                    + (batchFirst ? "[B, T, I]" : "[T, B, I]") + " or unbatched [T, I], got " + Shape.str(input.shape())
                    + " (rank " + rank + ")");
        }
        if (input.size(rank - 1) != inputSize) {
            throw new IllegalArgumentException(name + "(" + describe() + ") expects " + inputSize
                    + " input features, got input " + Shape.str(input.shape()));
        }
        boolean unbatched = rank == 2;
        Tensor x = unbatched ? input.reshape(input.size(0), 1, inputSize)
                : batchFirst ? ShapeOps.transpose(input, 0, 1) : input;
        int batch = x.size(1);
        Tensor[] h = states(name, "h0", h0, batch, unbatched);
        Tensor[] c = cell.hasCellState() ? states(name, "c0", c0, batch, unbatched) : null;

        int dirs = directions();
        Tensor[] hN = new Tensor[numLayers * dirs];
        Tensor[] cN = cell.hasCellState() ? new Tensor[numLayers * dirs] : null;
        Tensor layerInput = x;
        for (int layer = 0; layer < numLayers; layer++) {
            Tensor[] outs = new Tensor[dirs];
            for (int d = 0; d < dirs; d++) {
                int index = layer * dirs + d;
                Tensor[] w = weights.get(index);
                Tensor[] r = Recurrent.layer(cell, layerInput, h == null ? null : h[index],
                        c == null ? null : c[index], w[0], w[1], w[2], w[3], d == 1);
                outs[d] = r[0];
                hN[index] = r[1];
                if (cN != null) {
                    cN[index] = r[2];
                }
            }
            Tensor layerOut = dirs == 1 ? outs[0] : ShapeOps.concat(2, outs);
            if (layer < numLayers - 1 && dropout > 0f && isTraining()) {
                SplittableRandom random = new SplittableRandom(dropoutSeeds.next());
                layerOut = io.isthmus.ops.Dropout.dropout(layerOut, dropout, random);
            }
            layerInput = layerOut;
        }
        Tensor output = layerInput;
        if (unbatched) {
            output = output.reshape(output.size(0), output.size(2));
        } else if (batchFirst) {
            output = ShapeOps.transpose(output, 0, 1);
        }
        recordOutput(output);
        Tensor hidden = joinStates(hN, unbatched);
        return cN == null ? new Tensor[]{output, hidden} : new Tensor[]{output, hidden, joinStates(cN, unbatched)};
    }

    /** A state [L * D, B, H] (or [L * D, H] unbatched) cut into one [B, H] per layer-direction; null stays null. */
    private Tensor[] states(String name, String what, Tensor state, int batch, boolean unbatched) {
        if (state == null) {
            return null;
        }
        int count = numLayers * directions();
        int[] expected = unbatched ? new int[]{count, hiddenSize} : new int[]{count, batch, hiddenSize};
        if (!Arrays.equals(state.shape(), expected)) {
            throw new IllegalArgumentException(name + "(" + describe() + "): " + what + " must be [num_layers * "
                    + "num_directions, B, H] = " + Shape.str(expected) + ", got " + Shape.str(state.shape()));
        }
        if (count == 1) {
            return new Tensor[]{state.reshape(batch, hiddenSize)};
        }
        int[] ones = new int[count];
        Arrays.fill(ones, 1);
        Tensor[] parts = Joining.split(state, 0, ones);
        for (int i = 0; i < count; i++) {
            parts[i] = parts[i].reshape(batch, hiddenSize);
        }
        return parts;
    }

    /** The final states [B, H] of every layer-direction as [L * D, B, H] (or [L * D, H] unbatched). */
    private Tensor joinStates(Tensor[] finals, boolean unbatched) {
        int batch = finals[0].size(0);
        Tensor joined = finals.length == 1 ? finals[0].reshape(1, batch, hiddenSize) : Joining.stack(0, finals);
        return unbatched ? joined.reshape(finals.length, hiddenSize) : joined;
    }

    public int inputSize() {
        return inputSize;
    }

    public int hiddenSize() {
        return hiddenSize;
    }

    public int numLayers() {
        return numLayers;
    }

    public boolean bidirectional() {
        return bidirectional;
    }

    /** 2 when bidirectional, else 1. */
    public int directions() {
        return bidirectional ? 2 : 1;
    }

    public boolean batchFirst() {
        return batchFirst;
    }

    public float dropout() {
        return dropout;
    }

    public boolean hasBias() {
        return bias;
    }

    /** The cell this layer runs. */
    public Cell cell() {
        return cell;
    }

    /** PyTorch's repr: {@code 64, 256, num_layers=2, batch_first=True, dropout=0.1, bidirectional=True}, defaults left out. */
    @Override
    public String describe() {
        StringBuilder s = new StringBuilder().append(inputSize).append(", ").append(hiddenSize);
        if (numLayers != 1) {
            s.append(", num_layers=").append(numLayers);
        }
        if (!bias) {
            s.append(", bias=False");
        }
        if (batchFirst) {
            s.append(", batch_first=True");
        }
        if (dropout != 0f) {
            s.append(", dropout=").append(dropout);
        }
        if (bidirectional) {
            s.append(", bidirectional=True");
        }
        return s.toString();
    }

    /** {seed, calls}: the dropout mask between layers of the next training call comes from both. */
    @Override
    public long[] randomState() {
        return dropoutSeeds.state();
    }

    @Override
    public void setRandomState(long[] state) {
        dropoutSeeds.restore(state, getClass().getSimpleName());
    }

    /**
     * The settings of a recurrent layer, immutable: each setter returns a new builder, and
     * {@link #build()} makes the layer and its random weights. Unset: one layer, one direction,
     * time-major input, no dropout, biases on, tanh (RNN), random from {@link Seeds#next()} at
     * build time.
     *
     * @param <M> the layer it builds
     */
    public static final class Builder<M extends RecurrentLayer> {

        private final Function<Builder<M>, M> factory;
        final int inputSize;
        final int hiddenSize;
        final int numLayers;
        final boolean bidirectional;
        final boolean batchFirst;
        final float dropout;
        final boolean bias;
        final String nonlinearity;
        final SplittableRandom random;

        Builder(Function<Builder<M>, M> factory, int inputSize, int hiddenSize) {
            this(factory, inputSize, hiddenSize, 1, false, false, 0f, true, null, null);
        }

        private Builder(Function<Builder<M>, M> factory, int inputSize, int hiddenSize, int numLayers,
                        boolean bidirectional, boolean batchFirst, float dropout, boolean bias, String nonlinearity,
                        SplittableRandom random) {
            this.factory = factory;
            this.inputSize = inputSize;
            this.hiddenSize = hiddenSize;
            this.numLayers = numLayers;
            this.bidirectional = bidirectional;
            this.batchFirst = batchFirst;
            this.dropout = dropout;
            this.bias = bias;
            this.nonlinearity = nonlinearity;
            this.random = random;
        }

        /** Stacked layers, each taking the previous one's output sequence (default 1). */
        public Builder<M> numLayers(int layers) {
            return new Builder<>(factory, inputSize, hiddenSize, layers, bidirectional, batchFirst, dropout, bias,
                    nonlinearity, random);
        }

        /** A second direction per layer running from the last step to the first, its outputs concatenated (default false). */
        public Builder<M> bidirectional(boolean both) {
            return new Builder<>(factory, inputSize, hiddenSize, numLayers, both, batchFirst, dropout, bias,
                    nonlinearity, random);
        }

        /** Input and output as [B, T, *] instead of [T, B, *] (states stay [L * D, B, H]) (default false). */
        public Builder<M> batchFirst(boolean first) {
            return new Builder<>(factory, inputSize, hiddenSize, numLayers, bidirectional, first, dropout, bias,
                    nonlinearity, random);
        }

        /** Dropout probability on the outputs of every layer but the last, in training mode (default 0). */
        public Builder<M> dropout(float p) {
            return new Builder<>(factory, inputSize, hiddenSize, numLayers, bidirectional, batchFirst, p, bias,
                    nonlinearity, random);
        }

        /** Whether the layers have biases b_ih and b_hh (default true). */
        public Builder<M> bias(boolean withBias) {
            return new Builder<>(factory, inputSize, hiddenSize, numLayers, bidirectional, batchFirst, dropout, withBias,
                    nonlinearity, random);
        }

        /** RNN only: "tanh" (default) or "relu". */
        public Builder<M> nonlinearity(String name) {
            return new Builder<>(factory, inputSize, hiddenSize, numLayers, bidirectional, batchFirst, dropout, bias,
                    name, random);
        }

        /** The random numbers of the initialization and of the dropout seed (used, not copied). */
        public Builder<M> random(SplittableRandom source) {
            return new Builder<>(factory, inputSize, hiddenSize, numLayers, bidirectional, batchFirst, dropout, bias,
                    nonlinearity, source);
        }

        public M build() {
            return factory.apply(this);
        }
    }
}
