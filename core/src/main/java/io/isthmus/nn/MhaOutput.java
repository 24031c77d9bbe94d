package io.isthmus.nn;

import io.isthmus.tensor.Tensor;

/**
 * What {@link MultiheadAttention#forward} returns: the output [B, Tq, E] (or [Tq, B, E] when not
 * batch_first) and, when need_weights was asked, the head-averaged attention probabilities
 * [B, Tq, Tk] (a detached copy: no gradient flows through it), else null.
 */
public record MhaOutput(Tensor output, Tensor weights) {
}
