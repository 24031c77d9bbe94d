package io.isthmus.nn;

import io.isthmus.tensor.Seeds;
import io.isthmus.tensor.Tensor;

import java.util.SplittableRandom;

/**
 * {@code y = x W^T + b}. weight: [out, in], bias: [out]; x: [..., in] -> y: [..., out].
 * Initialized as PyTorch does: W and b uniform in ±1/sqrt(in) (kaiming_uniform with a = sqrt 5).
 */
public class Linear extends Layer {

    private final int inFeatures;
    private final int outFeatures;
    private final Tensor weight;
    private final Tensor bias;

    public Linear(int inFeatures, int outFeatures) {
        this(inFeatures, outFeatures, true, Seeds.next());
    }

    public Linear(int inFeatures, int outFeatures, boolean withBias) {
        this(inFeatures, outFeatures, withBias, Seeds.next());
    }

    public Linear(int inFeatures, int outFeatures, boolean withBias, SplittableRandom random) {
        if (inFeatures <= 0 || outFeatures <= 0) {
            throw new IllegalArgumentException("Linear needs positive sizes, got in=" + inFeatures + ", out=" + outFeatures);
        }
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        float bound = (float) (1 / Math.sqrt(inFeatures));
        this.weight = registerParameter("weight", Tensor.uniform(random, -bound, bound, outFeatures, inFeatures));
        this.bias = withBias ? registerParameter("bias", Tensor.uniform(random, -bound, bound, outFeatures)) : null;
    }

    @Override
    protected Tensor compute(Tensor input) {
        return io.isthmus.ops.Linear.linear(input, weight, bias);
    }

    public Tensor weight() {
        return weight;
    }

    /** The bias, or null when built without one. */
    public Tensor bias() {
        return bias;
    }

    public int inFeatures() {
        return inFeatures;
    }

    public int outFeatures() {
        return outFeatures;
    }

    @Override
    public String describe() {
        return "in=" + inFeatures + ", out=" + outFeatures + (bias == null ? ", bias=false" : "");
    }
}
