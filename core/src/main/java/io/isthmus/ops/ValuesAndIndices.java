package io.isthmus.ops;

import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Tensor;

/**
 * What a reduction that selects elements returns (max or min over an axis): the selected
 * values, differentiable, and where along the axis each came from. Both have the same shape.
 */
public record ValuesAndIndices(Tensor values, IndexTensor indices) {
}
