package io.isthmus.nn;

import io.isthmus.tensor.Seeds;
import io.isthmus.tensor.Tensor;

import java.util.SplittableRandom;

/**
 * Learned position embeddings (GPT's {@code wpe}): a parameter {@code weight}: [maxLen, E],
 * initialized N(0, 1) like nn.Embedding, whose rows offset .. offset + T - 1 are added to
 * x: [B, T, E]. Equivalent to {@code x + Embedding(arange(offset, offset + T))}.
 */
public class PositionEmbedding extends Layer {

    private final int maxLen;
    private final int dim;
    private final Tensor weight;

    public PositionEmbedding(int maxLen, int dim) {
        this(maxLen, dim, Seeds.next());
    }

    public PositionEmbedding(int maxLen, int dim, SplittableRandom random) {
        if (maxLen <= 0 || dim <= 0) {
            throw new IllegalArgumentException("PositionEmbedding needs positive sizes, got max_len=" + maxLen + ", dim=" + dim);
        }
        this.maxLen = maxLen;
        this.dim = dim;
        this.weight = registerParameter("weight", Tensor.randn(random, maxLen, dim));
    }

    @Override
    protected Tensor compute(Tensor input) {
        return add(input, 0);
    }

    /** x: [B, T, E] plus weight rows offset .. offset + T - 1. */
    public Tensor forward(Tensor x, int offset) {
        return recordOutput(add(x, offset));
    }

    private Tensor add(Tensor x, int offset) {
        return PositionRows.add("PositionEmbedding", "dim", x, weight, offset);
    }

    public Tensor weight() {
        return weight;
    }

    @Override
    public String describe() {
        return "max_len=" + maxLen + ", dim=" + dim;
    }
}
