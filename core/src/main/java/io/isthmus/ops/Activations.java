package io.isthmus.ops;

import io.isthmus.kernels.elementwise.Elementwise;
import io.isthmus.tensor.Tensor;

/**
 * Elementwise activations on the kernels; each forward sits beside its backward, which writes
 * the whole input gradient into a buffer the autograd engine hands it.
 */
public final class Activations {

    private Activations() {
    }

    /** A kernel computing dx from (x or y, dy). */
    @FunctionalInterface
    private interface GradKernel {
        void apply(Elementwise k, float[] saved, float[] dy, float[] dx, int n);
    }

    private static Tensor unary(String op, Tensor x, float[] y, boolean savesOutput, GradKernel grad) {
        float[] saved = savesOutput ? y : x.data();
        return Tensor.result(y, x.shape(), op, (gradOut, grads) ->
                grad.apply(Ops.kernels(), saved, gradOut, grads.overwrite(x), gradOut.length), x);
    }

    public static Tensor relu(Tensor x) {
        float[] y = new float[x.numel()];
        Ops.kernels().relu(x.data(), 0, y, 0, y.length);
        return unary("relu", x, y, false, (k, s, dy, dx, n) -> k.reluBackward(s, 0, dy, 0, dx, 0, n));
    }

    public static Tensor leakyRelu(Tensor x, float slope) {
        float[] y = new float[x.numel()];
        Ops.kernels().leakyRelu(slope, x.data(), 0, y, 0, y.length);
        return unary("leaky_relu", x, y, false, (k, s, dy, dx, n) -> k.leakyReluBackward(slope, s, 0, dy, 0, dx, 0, n));
    }

    public static Tensor elu(Tensor x, float alpha) {
        float[] y = new float[x.numel()];
        Ops.kernels().elu(alpha, x.data(), 0, y, 0, y.length);
        return unary("elu", x, y, false, (k, s, dy, dx, n) -> k.eluBackward(alpha, s, 0, dy, 0, dx, 0, n));
    }

    public static Tensor sigmoid(Tensor x) {
        float[] y = new float[x.numel()];
        Ops.kernels().sigmoid(x.data(), 0, y, 0, y.length);
        return unary("sigmoid", x, y, true, (k, s, dy, dx, n) -> k.sigmoidBackward(s, 0, dy, 0, dx, 0, n));
    }

    public static Tensor tanh(Tensor x) {
        float[] y = new float[x.numel()];
        Ops.kernels().tanh(x.data(), 0, y, 0, y.length);
        return unary("tanh", x, y, true, (k, s, dy, dx, n) -> k.tanhBackward(s, 0, dy, 0, dx, 0, n));
    }

    /** Exact GELU, x * Phi(x). */
    public static Tensor gelu(Tensor x) {
        float[] y = new float[x.numel()];
        Ops.kernels().gelu(x.data(), 0, y, 0, y.length);
        return unary("gelu", x, y, false, (k, s, dy, dx, n) -> k.geluBackward(s, 0, dy, 0, dx, 0, n));
    }

    /** GELU with the tanh approximation (PyTorch's approximate='tanh'). */
    public static Tensor geluTanh(Tensor x) {
        float[] y = new float[x.numel()];
        Ops.kernels().geluTanh(x.data(), 0, y, 0, y.length);
        return unary("gelu_tanh", x, y, false, (k, s, dy, dx, n) -> k.geluTanhBackward(s, 0, dy, 0, dx, 0, n));
    }

    public static Tensor silu(Tensor x) {
        float[] y = new float[x.numel()];
        Ops.kernels().silu(x.data(), 0, y, 0, y.length);
        return unary("silu", x, y, false, (k, s, dy, dx, n) -> k.siluBackward(s, 0, dy, 0, dx, 0, n));
    }
}
