package io.isthmus.nn;

import io.isthmus.ops.Arithmetic;
import io.isthmus.ops.Views;
import io.isthmus.tensor.Seeds;
import io.isthmus.tensor.Shape;
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
        int[] s = x.shape();
        if (s.length != 3 || s[2] != dim) {
            throw new IllegalArgumentException("PositionEmbedding(dim=" + dim + ") expects x [B, T, " + dim + "], got " + Shape.str(s));
        }
        if (offset < 0 || offset + s[1] > maxLen) {
            throw new IllegalArgumentException("PositionEmbedding: positions " + offset + " .. " + (offset + s[1] - 1)
                    + " of x " + Shape.str(s) + " exceed max_len " + maxLen);
        }
        return Arithmetic.add(x, Views.narrow(weight, 0, offset, s[1]));
    }

    public Tensor weight() {
        return weight;
    }

    @Override
    public String describe() {
        return "max_len=" + maxLen + ", dim=" + dim;
    }
}
