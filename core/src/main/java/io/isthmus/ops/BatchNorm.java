package io.isthmus.ops;

import io.isthmus.kernels.norm.BatchNormKernel;
import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

/**
 * PyTorch's {@code F.batch_norm} on x: [N, C] or [N, C, *] (statistics per channel C over N and
 * every trailing axis). Kernels: {@link BatchNormKernel} (each channel in one fused pass).
 */
public final class BatchNorm {

    private BatchNorm() {
    }

    /**
     * y = (x - mean) / sqrt(var + eps) * weight + bias, per channel.
     *
     * <p>{@code training}: mean and biased variance of the batch; when running statistics are
     * given they are updated in place (no gradient), as PyTorch:
     * {@code running = (1 - momentum) running + momentum batch}, running_var from the
     * <em>unbiased</em> batch variance. Needs more than one value per channel. The gradient
     * flows through the batch statistics.
     *
     * <p>Otherwise (eval): mean and variance are the running statistics, which must be given; the
     * gradient treats them as constants.
     *
     * @param x           [N, C] or [N, C, *]
     * @param runningMean [C] or null (then runningVar is null too)
     * @param runningVar  [C] or null
     * @param weight      [C] or null (no scale)
     * @param bias        [C] or null (no shift)
     * @param momentum    the running statistics' update factor (PyTorch's default 0.1)
     * @param eps         added to the variance (PyTorch's default 1e-5)
     */
    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                   boolean training, double momentum, double eps) {
        int[] shape = x.shape();
        if (shape.length < 2) {
            throw new IllegalArgumentException("batch_norm expects x [N, C] or [N, C, *], got " + Shape.str(shape)
                    + " (rank " + shape.length + ")");
        }
        int n = shape[0];
        int c = shape[1];
        int s = c == 0 || n == 0 ? 0 : x.numel() / n / c;
        requireChannels("weight", weight, x);
        requireChannels("bias", bias, x);
        requireChannels("running_mean", runningMean, x);
        requireChannels("running_var", runningVar, x);
        if ((runningMean == null) != (runningVar == null)) {
            throw new IllegalArgumentException("batch_norm needs both running_mean and running_var or neither, got "
                    + (runningMean == null ? "only running_var" : "only running_mean"));
        }
        if (!(eps >= 0)) {
            throw new IllegalArgumentException("batch_norm: eps must be >= 0, got " + eps);
        }
        float[] w = weight == null ? null : weight.data();
        float[] b = bias == null ? null : bias.data();
        float[] y = new float[x.numel()];
        float[] mean = new float[c];
        float[] invStd = new float[c];
        BatchNormKernel kernel = BatchNormKernel.selected();
        if (training) {
            if ((long) n * s <= 1) {
                throw new IllegalArgumentException("batch_norm in training mode expects more than 1 value per channel, got x "
                        + Shape.str(shape));
            }
            kernel.forwardTraining(n, c, s, x.data(), 0, w, b, (float) eps, y, 0, mean, invStd,
                    runningMean == null ? null : runningMean.data(), runningVar == null ? null : runningVar.data(), momentum);
        } else {
            if (runningMean == null) {
                throw new IllegalArgumentException("batch_norm in eval mode needs running_mean and running_var");
            }
            // snapshots: a later training step must not change what this output's backward uses
            System.arraycopy(runningMean.data(), 0, mean, 0, c);
            BatchNormKernel.invStd(runningVar.data(), (float) eps, invStd);
            kernel.forwardEval(n, c, s, x.data(), 0, w, b, mean, invStd, y, 0);
        }
        return Tensor.result(y, shape, training ? "batch_norm" : "batch_norm_eval", (gradOut, grads) -> {
            float[] dx = grads.needs(x) ? grads.overwrite(x) : null;
            float[] dw = grads.needs(weight) ? grads.overwrite(weight) : null;
            float[] db = grads.needs(bias) ? grads.overwrite(bias) : null;
            if (training) {
                kernel.backwardTraining(n, c, s, x.data(), 0, gradOut, 0, w, mean, invStd, dx, 0, dw, db);
            } else {
                kernel.backwardEval(n, c, s, x.data(), 0, gradOut, 0, w, mean, invStd, dx, 0, dw, db);
            }
        }, x, weight, bias);
    }

    private static void requireChannels(String name, Tensor t, Tensor x) {
        if (t != null && (t.dim() != 1 || t.size(0) != x.size(1))) {
            throw new IllegalArgumentException("batch_norm: " + name + " has shape " + Shape.str(t.shape())
                    + " but x " + Shape.str(x.shape()) + " has " + x.size(1) + " channels (axis 1): expected [" + x.size(1) + "]");
        }
    }
}
