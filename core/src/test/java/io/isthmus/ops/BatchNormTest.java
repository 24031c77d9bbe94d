package io.isthmus.ops;

import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** batch_norm: gradient checks in both modes, PyTorch's running update, eval against a reference, errors. */
class BatchNormTest {

    @Test
    void trainingGradientsMatchFiniteDifferences() {
        for (int[] shape : new int[][]{{5, 3}, {3, 2, 7}, {2, 3, 5, 3}, {1, 1, 17}}) {
            GradCheck.check("train " + java.util.Arrays.toString(shape), in -> BatchNorm.batchNorm(in.get(0), null, null,
                    in.get(1), in.get(2), true, 0.1, 1e-5), List.of(Naive.rand(1, -1, 2, shape),
                    Naive.rand(2, 0.5f, 1.5f, shape[1]), Naive.rand(3, shape[1])), 1e-2, 3e-3, 1e-2);
        }
        GradCheck.check("train without affine", in -> BatchNorm.batchNorm(in.get(0), null, null, null, null, true, 0.1, 1e-5),
                List.of(Naive.rand(4, 4, 3, 5)), 1e-2, 3e-3, 1e-2);
    }

    @Test
    void evalGradientsMatchFiniteDifferencesWithTheStatisticsConstant() {
        Tensor mean = Tensor.of(new float[]{0.2f, -0.5f, 1f}, 3);
        Tensor var = Tensor.of(new float[]{0.5f, 2f, 1.5f}, 3);
        GradCheck.check("eval", in -> BatchNorm.batchNorm(in.get(0), mean, var, in.get(1), in.get(2), false, 0.1, 1e-5),
                List.of(Naive.rand(5, 2, 3, 4, 3), Naive.rand(6, 0.5f, 1.5f, 3), Naive.rand(7, 3)));
    }

    @Test
    void evalUsesTheRunningStatisticsAndLeavesThemAlone() {
        Tensor x = Naive.rand(8, 3, 2, 5);
        float[] mean = {0.25f, -1f};
        float[] var = {4f, 0.5f};
        Tensor rm = Tensor.of(mean.clone(), 2);
        Tensor rv = Tensor.of(var.clone(), 2);
        Tensor w = Tensor.of(new float[]{2f, -1f}, 2);
        Tensor b = Tensor.of(new float[]{0.5f, 3f}, 2);
        Tensor y = BatchNorm.batchNorm(x, rm, rv, w, b, false, 0.1, 1e-3);
        for (int i = 0; i < x.numel(); i++) {
            int c = (i / 5) % 2;
            double expected = (x.data()[i] - mean[c]) / Math.sqrt(var[c] + 1e-3) * w.data()[c] + b.data()[c];
            assertEquals(expected, y.data()[i], 1e-5, "element " + i);
        }
        assertArrayEquals(mean, rm.data());
        assertArrayEquals(var, rv.data());
    }

    @Test
    void runningStatisticsFollowPyTorchsFormula() {
        // running = (1 - momentum) running + momentum batch, running_var from the unbiased variance
        Tensor x = Tensor.of(new float[]{1, 10, 2, 20, 6, 60}, 3, 2);
        Tensor rm = Tensor.of(new float[]{1, 2}, 2);
        Tensor rv = Tensor.of(new float[]{3, 4}, 2);
        BatchNorm.batchNorm(x, rm, rv, null, null, true, 0.25, 1e-5);
        // channel 0: 1, 2, 6 -> mean 3, unbiased var (4 + 1 + 9) / 2 = 7; channel 1: x10 -> mean 30, var 700
        assertArrayEquals(new float[]{0.75f * 1 + 0.25f * 3, 0.75f * 2 + 0.25f * 30}, rm.data(), 1e-5f);
        assertArrayEquals(new float[]{0.75f * 3 + 0.25f * 7, 0.75f * 4 + 0.25f * 700}, rv.data(), 1e-4f);
    }

    @Test
    void trainingNormalizesWithTheBiasedBatchVariance() {
        Tensor x = Tensor.of(new float[]{1, 2, 6}, 3, 1);
        Tensor y = BatchNorm.batchNorm(x, null, null, null, null, true, 0.1, 0);
        double sd = Math.sqrt(14.0 / 3);
        assertArrayEquals(new float[]{(float) (-2 / sd), (float) (-1 / sd), (float) (3 / sd)}, y.data(), 1e-6f);
    }

    private static void assertMessage(Runnable call, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should mention '" + part + "'");
        }
    }

    @Test
    void badInputsAreNamed() {
        Tensor x = Naive.rand(1, 4, 3);
        assertMessage(() -> BatchNorm.batchNorm(Naive.rand(1, 4), null, null, null, null, true, 0.1, 1e-5), "[4]", "rank 1");
        assertMessage(() -> BatchNorm.batchNorm(x, null, null, Naive.rand(2, 4), null, true, 0.1, 1e-5),
                "weight", "[4]", "3 channels");
        assertMessage(() -> BatchNorm.batchNorm(x, Tensor.zeros(3), null, null, null, true, 0.1, 1e-5), "only running_mean");
        assertMessage(() -> BatchNorm.batchNorm(Naive.rand(1, 1, 3), null, null, null, null, true, 0.1, 1e-5),
                "more than 1 value per channel", "[1, 3]");
        assertMessage(() -> BatchNorm.batchNorm(x, null, null, null, null, false, 0.1, 1e-5), "eval mode", "running_mean");
        assertMessage(() -> BatchNorm.batchNorm(x, null, null, null, null, true, 0.1, -1), "eps", "-1");
    }
}
