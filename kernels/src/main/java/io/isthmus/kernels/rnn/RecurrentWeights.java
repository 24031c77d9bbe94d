package io.isthmus.kernels.rnn;

/**
 * The parameters of one layer-direction, in PyTorch's layouts: ih [G * H, I], hh [G * H, H],
 * biasIh and biasHh [G * H] (each bias may be null: a layer built without biases).
 */
public record RecurrentWeights(float[] ih, float[] hh, float[] biasIh, float[] biasHh) {
}
