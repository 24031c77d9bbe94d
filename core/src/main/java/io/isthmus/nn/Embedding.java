package io.isthmus.nn;

import io.isthmus.ops.Indexing;
import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Seeds;
import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

import java.util.Arrays;
import java.util.OptionalInt;
import java.util.SplittableRandom;

/**
 * A lookup table of {@code numEmbeddings} vectors of size {@code dim}: token ids [...] -> [..., dim].
 * weight: [numEmbeddings, dim], initialized N(0, 1) as in PyTorch. With a padding index, that
 * row starts at zero and gets no gradient (it stays what it is through training).
 *
 * <p>Its input is token ids, an {@link IndexTensor}: {@link #forward(IndexTensor)}. It is a
 * {@link Module}, not a one-tensor {@link Layer}, so a model that embeds tokens declares its own
 * typed forward.
 */
public class Embedding extends Module {

    private final int numEmbeddings;
    private final int dim;
    /** The padding row in [0, numEmbeddings), or -1 for none. */
    private final int paddingRow;
    private final Tensor weight;

    public Embedding(int numEmbeddings, int dim) {
        this(numEmbeddings, dim, Seeds.next());
    }

    public Embedding(int numEmbeddings, int dim, SplittableRandom random) {
        this(numEmbeddings, dim, random, -1);
    }

    /** With a padding index in [-numEmbeddings, numEmbeddings) (negative counts from the end, as in PyTorch). */
    public Embedding(int numEmbeddings, int dim, int paddingIdx) {
        this(numEmbeddings, dim, paddingIdx, Seeds.next());
    }

    public Embedding(int numEmbeddings, int dim, int paddingIdx, SplittableRandom random) {
        this(numEmbeddings, dim, random, Indexing.paddingRow(paddingIdx, checkSizes(numEmbeddings, dim)));
    }

    /** paddingRow: in [0, numEmbeddings), or -1 for none. */
    private Embedding(int numEmbeddings, int dim, SplittableRandom random, int paddingRow) {
        checkSizes(numEmbeddings, dim);
        this.numEmbeddings = numEmbeddings;
        this.dim = dim;
        this.paddingRow = paddingRow;
        Tensor initial = Tensor.randn(random, numEmbeddings, dim);
        if (paddingRow >= 0) {
            Arrays.fill(initial.data(), paddingRow * dim, (paddingRow + 1) * dim, 0f);
        }
        this.weight = registerParameter("weight", initial);
    }

    /** numEmbeddings, once both sizes are checked. */
    private static int checkSizes(int numEmbeddings, int dim) {
        if (numEmbeddings <= 0 || dim <= 0) {
            throw new IllegalArgumentException("Embedding needs positive sizes, got numEmbeddings=" + numEmbeddings
                    + ", dim=" + dim);
        }
        return numEmbeddings;
    }

    /** ids: [...] with values in [0, numEmbeddings); result: [..., dim]. */
    public Tensor forward(IndexTensor ids) {
        Tensor output = paddingRow >= 0 ? Indexing.embedding(weight, ids, paddingRow) : Indexing.embedding(weight, ids);
        return recordOutput(output);
    }

    public Tensor weight() {
        return weight;
    }

    public int numEmbeddings() {
        return numEmbeddings;
    }

    public int dim() {
        return dim;
    }

    /** The padding row (in [0, numEmbeddings)), if any. */
    public OptionalInt paddingIdx() {
        return paddingRow >= 0 ? OptionalInt.of(paddingRow) : OptionalInt.empty();
    }

    @Override
    public String describe() {
        return "num=" + numEmbeddings + ", dim=" + dim + (paddingRow >= 0 ? ", padding_idx=" + paddingRow : "");
    }
}
