package io.isthmus.kernels.rnn;

/**
 * Where the backward writes its gradients, each overwritten whole, each null when not wanted:
 * dx [T, B, I]; dIh [G * H, I]; dHh [G * H, H]; dBiasIh and dBiasHh [G * H]; dh0 and dc0 [B, H]
 * (dc0 for LSTM only).
 */
public record RecurrentGrads(float[] dx, float[] dIh, float[] dHh, float[] dBiasIh, float[] dBiasHh,
                             float[] dh0, float[] dc0) {
}
