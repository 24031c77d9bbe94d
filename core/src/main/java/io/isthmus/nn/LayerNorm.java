package io.isthmus.nn;

import io.isthmus.ops.LayerNormOp;
import io.isthmus.tensor.Tensor;

/**
 * PyTorch's {@code nn.LayerNorm(normalized_shape)} with normalized_shape one size D, the last
 * axis: x: [..., D] -> [..., D]. Parameters {@code weight} (ones) and {@code bias} (zeros), [D],
 * when elementwise_affine; eps 1e-5 by default. Same in training and eval.
 */
public class LayerNorm extends Layer {

    private final int normalizedShape;
    private final double eps;
    private final Tensor weight;
    private final Tensor bias;

    public LayerNorm(int normalizedShape) {
        this(normalizedShape, 1e-5, true);
    }

    public LayerNorm(int normalizedShape, double eps) {
        this(normalizedShape, eps, true);
    }

    public LayerNorm(int normalizedShape, double eps, boolean elementwiseAffine) {
        if (normalizedShape <= 0) {
            throw new IllegalArgumentException("LayerNorm needs a positive normalized_shape, got " + normalizedShape);
        }
        if (!(eps >= 0)) {
            throw new IllegalArgumentException("LayerNorm: eps must be >= 0, got " + eps);
        }
        this.normalizedShape = normalizedShape;
        this.eps = eps;
        this.weight = elementwiseAffine ? registerParameter("weight", Tensor.ones(normalizedShape)) : null;
        this.bias = elementwiseAffine ? registerParameter("bias", Tensor.zeros(normalizedShape)) : null;
    }

    @Override
    protected Tensor compute(Tensor input) {
        if (input.dim() < 1 || input.size(input.dim() - 1) != normalizedShape) {
            throw new IllegalArgumentException("LayerNorm(" + normalizedShape + ") expects input [..., " + normalizedShape
                    + "], got " + io.isthmus.tensor.Shape.str(input.shape()));
        }
        return LayerNormOp.layerNorm(input, weight, bias, eps);
    }

    /** The scale [D], or null without elementwise_affine. */
    public Tensor weight() {
        return weight;
    }

    /** The shift [D], or null without elementwise_affine. */
    public Tensor bias() {
        return bias;
    }

    public int normalizedShape() {
        return normalizedShape;
    }

    public double eps() {
        return eps;
    }

    @Override
    public String describe() {
        return normalizedShape + ", eps=" + eps + (weight == null ? ", elementwise_affine=false" : "");
    }
}
