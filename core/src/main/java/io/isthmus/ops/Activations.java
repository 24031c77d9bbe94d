package io.isthmus.ops;

import io.isthmus.kernels.Threads;
import io.isthmus.kernels.elementwise.Elementwise;
import io.isthmus.tensor.Tensor;

/**
 * Elementwise activations on the kernels; each forward sits beside its backward, which writes
 * the whole input gradient into a buffer the autograd engine hands it. Large tensors are split
 * in ranges across the kernel threads ({@link Threads#parallelRanges}); every element is
 * computed alone, so the result does not depend on the split.
 */
public final class Activations {

    private Activations() {
    }

    /** y[off .. off + n) from x[off .. off + n). */
    @FunctionalInterface
    private interface ForwardKernel {
        void apply(Elementwise k, float[] x, float[] y, int off, int n);
    }

    /** dx[off .. off + n) from (x or y, dy) over the same range. */
    @FunctionalInterface
    private interface GradKernel {
        void apply(Elementwise k, float[] saved, float[] dy, float[] dx, int off, int n);
    }

    private static Tensor unary(String op, Tensor x, boolean savesOutput, ForwardKernel forward, GradKernel grad) {
        float[] xd = x.data();
        float[] y = new float[xd.length];
        Elementwise kernels = Ops.kernels();
        Threads.parallelRanges(xd.length, Threads.ELEMENTWISE_GRAIN, (off, n) -> forward.apply(kernels, xd, y, off, n));
        float[] saved = savesOutput ? y : xd;
        return Tensor.result(y, x.shape(), op, (gradOut, grads) -> {
            float[] dx = grads.overwrite(x);
            Elementwise k = Ops.kernels();
            Threads.parallelRanges(gradOut.length, Threads.ELEMENTWISE_GRAIN,
                    (off, n) -> grad.apply(k, saved, gradOut, dx, off, n));
        }, x);
    }

    public static Tensor relu(Tensor x) {
        return unary("relu", x, false, (k, in, y, off, n) -> k.relu(in, off, y, off, n),
                (k, s, dy, dx, off, n) -> k.reluBackward(s, off, dy, off, dx, off, n));
    }

    public static Tensor leakyRelu(Tensor x, float slope) {
        return unary("leaky_relu", x, false, (k, in, y, off, n) -> k.leakyRelu(slope, in, off, y, off, n),
                (k, s, dy, dx, off, n) -> k.leakyReluBackward(slope, s, off, dy, off, dx, off, n));
    }

    public static Tensor elu(Tensor x, float alpha) {
        return unary("elu", x, false, (k, in, y, off, n) -> k.elu(alpha, in, off, y, off, n),
                (k, s, dy, dx, off, n) -> k.eluBackward(alpha, s, off, dy, off, dx, off, n));
    }

    public static Tensor sigmoid(Tensor x) {
        return unary("sigmoid", x, true, (k, in, y, off, n) -> k.sigmoid(in, off, y, off, n),
                (k, s, dy, dx, off, n) -> k.sigmoidBackward(s, off, dy, off, dx, off, n));
    }

    public static Tensor tanh(Tensor x) {
        return unary("tanh", x, true, (k, in, y, off, n) -> k.tanh(in, off, y, off, n),
                (k, s, dy, dx, off, n) -> k.tanhBackward(s, off, dy, off, dx, off, n));
    }

    /** Exact GELU, x * Phi(x). */
    public static Tensor gelu(Tensor x) {
        return unary("gelu", x, false, (k, in, y, off, n) -> k.gelu(in, off, y, off, n),
                (k, s, dy, dx, off, n) -> k.geluBackward(s, off, dy, off, dx, off, n));
    }

    public static Tensor geluTanh(Tensor x) {
        return unary("gelu_tanh", x, false, (k, in, y, off, n) -> k.geluTanh(in, off, y, off, n),
                (k, s, dy, dx, off, n) -> k.geluTanhBackward(s, off, dy, off, dx, off, n));
    }

    public static Tensor silu(Tensor x) {
        return unary("silu", x, false, (k, in, y, off, n) -> k.silu(in, off, y, off, n),
                (k, s, dy, dx, off, n) -> k.siluBackward(s, off, dy, off, dx, off, n));
    }
}
