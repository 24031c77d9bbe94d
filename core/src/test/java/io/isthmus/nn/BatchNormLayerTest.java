package io.isthmus.nn;

import io.isthmus.io.DType;
import io.isthmus.io.SafeTensors;
import io.isthmus.io.StoredTensor;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** BatchNorm1d/2d: PyTorch's train/eval behaviour, running-statistics updates, state and files. */
class BatchNormLayerTest {

    private static Tensor batch(long seed, float center, int... shape) {
        return Tensor.uniform(new SplittableRandom(seed), center - 2, center + 2, shape);
    }

    /** {mean, biased variance} of channel c of x: [N, C, S]. */
    private static double[] stats(Tensor x, int c) {
        int n = x.size(0);
        int channels = x.size(1);
        int s = x.numel() / n / channels;
        double sum = 0;
        for (int b = 0; b < n; b++) {
            for (int i = 0; i < s; i++) {
                sum += x.data()[(b * channels + c) * s + i];
            }
        }
        double mean = sum / (n * s);
        double squares = 0;
        for (int b = 0; b < n; b++) {
            for (int i = 0; i < s; i++) {
                squares += Math.pow(x.data()[(b * channels + c) * s + i] - mean, 2);
            }
        }
        return new double[]{mean, squares / (n * s)};
    }

    @Test
    void trainingUsesTheBatchAndUpdatesTheRunningStatisticsEvalUsesThemAndChangesNothing() {
        BatchNorm2d bn = new BatchNorm2d(3);
        Tensor x = batch(1, 5f, 4, 3, 5, 3);
        Tensor train = bn.forward(x);
        assertEquals(1, bn.numBatchesTracked());
        for (int c = 0; c < 3; c++) {
            double[] batch = stats(x, c);
            double[] normalized = stats(train, c);
            assertEquals(0, normalized[0], 1e-5, "training output has batch mean 0, channel " + c);
            assertEquals(1, normalized[1], 1e-3, "and variance 1 (eps aside), channel " + c);
            assertEquals(0.1 * batch[0], bn.runningMean().data()[c], 1e-5);
            assertEquals(0.9 + 0.1 * batch[1] * 60 / 59, bn.runningVar().data()[c], 1e-5);
        }
        float[] runningMean = bn.runningMean().data().clone();
        float[] runningVar = bn.runningVar().data().clone();
        bn.eval();
        Tensor eval = bn.forward(x);
        for (int i = 0; i < x.numel(); i++) {
            int c = (i / 15) % 3;
            double expected = (x.data()[i] - runningMean[c]) / Math.sqrt(runningVar[c] + 1e-5);
            assertEquals(expected, eval.data()[i], 1e-4 * (1 + Math.abs(expected)), "eval element " + i);
        }
        assertArrayEquals(runningMean, bn.runningMean().data(), "eval leaves running_mean alone");
        assertArrayEquals(runningVar, bn.runningVar().data(), "eval leaves running_var alone");
        assertEquals(1, bn.numBatchesTracked(), "eval counts no batch");
        assertArrayEquals(eval.data(), bn.predict(x).data(), "predict is eval");
    }

    @Test
    void runningStatisticsAfterSeveralStepsFollowPyTorchsFormula() {
        for (Double momentum : new Double[]{0.1, 0.3, null}) {
            BatchNorm1d bn = new BatchNorm1d(2, 1e-5, momentum, true, true);
            double[] mean = {0, 0};
            double[] var = {1, 1};
            for (int step = 1; step <= 4; step++) {
                Tensor x = batch(step, step, 7, 2, 3);
                bn.forward(x);
                double factor = momentum == null ? 1.0 / step : momentum;
                for (int c = 0; c < 2; c++) {
                    double[] s = stats(x, c);
                    mean[c] = (1 - factor) * mean[c] + factor * s[0];
                    var[c] = (1 - factor) * var[c] + factor * s[1] * 21 / 20;
                }
                String what = "momentum " + momentum + " step " + step;
                assertArrayEquals(new float[]{(float) mean[0], (float) mean[1]}, bn.runningMean().data(), 1e-5f, what);
                assertArrayEquals(new float[]{(float) var[0], (float) var[1]}, bn.runningVar().data(), 1e-5f, what);
                assertEquals(step, bn.numBatchesTracked(), what);
            }
        }
    }

    @Test
    void stateDictHasPyTorchsNamesShapesAndAnIntegerCounter() {
        var model = new Sequential(new Linear(4, 3), new BatchNorm1d(3));
        Map<String, Tensor> state = model.stateDict();
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var",
                "1.num_batches_tracked"), List.copyOf(state.keySet()));
        assertArrayEquals(new int[0], state.get("1.num_batches_tracked").shape(), "a scalar, as PyTorch's int64 []");
        assertArrayEquals(new float[]{1, 1, 1}, state.get("1.weight").data());
        assertArrayEquals(new float[]{0, 0, 0}, state.get("1.bias").data());
        assertArrayEquals(new float[]{0, 0, 0}, state.get("1.running_mean").data());
        assertArrayEquals(new float[]{1, 1, 1}, state.get("1.running_var").data());
        assertEquals(Set.of("1.num_batches_tracked"), model.integerStateKeys());
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias"), List.copyOf(model.namedParameters().keySet()));
        assertEquals(7, model.bufferCount());
    }

    @Test
    void savesTheCounterAsI64AndLoadsAPyTorchStyleFile(@TempDir Path dir) throws IOException {
        BatchNorm2d bn = new BatchNorm2d(2);
        bn.forward(batch(3, 1f, 2, 2, 3, 3));
        bn.forward(batch(4, 1f, 2, 2, 3, 3));
        Path file = dir.resolve("bn.safetensors");
        bn.save(file);
        SafeTensors read = SafeTensors.read(file);
        assertEquals(DType.I64, read.tensors().get("num_batches_tracked").dtype());
        assertArrayEquals(new long[]{2}, read.tensors().get("num_batches_tracked").longs());
        assertArrayEquals(new int[0], read.tensors().get("num_batches_tracked").shape());
        for (String f32 : List.of("weight", "bias", "running_mean", "running_var")) {
            assertEquals(DType.F32, read.tensors().get(f32).dtype(), f32);
        }

        // as torch.save(safetensors) of a BatchNorm2d(2) writes it: F32 vectors and an I64 scalar counter
        Map<String, StoredTensor> torch = new LinkedHashMap<>();
        torch.put("weight", StoredTensor.f32(new float[]{1.5f, 0.5f}, 2));
        torch.put("bias", StoredTensor.f32(new float[]{0.1f, -0.1f}, 2));
        torch.put("running_mean", StoredTensor.f32(new float[]{2f, -3f}, 2));
        torch.put("running_var", StoredTensor.f32(new float[]{4f, 0.25f}, 2));
        torch.put("num_batches_tracked", StoredTensor.i64(new long[]{1234}));
        Path torchFile = dir.resolve("torch.safetensors");
        new SafeTensors(torch, Map.of("format", "pt")).write(torchFile);
        BatchNorm2d loaded = new BatchNorm2d(2);
        loaded.load(torchFile);
        assertEquals(1234, loaded.numBatchesTracked());
        assertArrayEquals(new float[]{4f, 0.25f}, loaded.runningVar().data());
        loaded.eval();
        Tensor x = Tensor.of(new float[]{2f, -3f + 0.5f}, 1, 2, 1, 1);
        float[] y = loaded.forward(x).data();
        assertEquals(0.1f, y[0], 1e-6f, "(2 - 2) / 2 * 1.5 + 0.1");
        assertEquals(0.5f / (float) Math.sqrt(0.25 + 1e-5) * 0.5f - 0.1f, y[1], 1e-6f);
        loaded.train();
        loaded.forward(batch(5, 0f, 3, 2, 2, 2));
        assertEquals(1235, loaded.numBatchesTracked());
    }

    @Test
    void withoutAffineOrRunningStatisticsTheStateShrinksAndEvalUsesTheBatch() {
        BatchNorm1d plain = new BatchNorm1d(3, 1e-5, 0.1, false, false);
        assertEquals(Set.of(), plain.stateDict().keySet());
        assertNull(plain.weight());
        assertEquals(-1, plain.numBatchesTracked());
        Tensor x = batch(6, 3f, 5, 3);
        float[] train = plain.forward(x).data();
        plain.eval();
        assertArrayEquals(train, plain.forward(x).data(), "no running statistics: batch statistics in eval too");

        BatchNorm2d noAffine = new BatchNorm2d(2, 1e-5, 0.1, false, true);
        assertEquals(List.of("running_mean", "running_var", "num_batches_tracked"), List.copyOf(noAffine.stateDict().keySet()));
        BatchNorm2d noStats = new BatchNorm2d(2, 1e-5, 0.1, true, false);
        assertEquals(List.of("weight", "bias"), List.copyOf(noStats.stateDict().keySet()));
    }

    @Test
    void gradientsReachWeightBiasAndInputInTraining() {
        BatchNorm1d bn = new BatchNorm1d(2);
        Tensor x = batch(7, 0f, 4, 2).requiresGrad(true);
        Tensor y = bn.forward(x);
        y.mul(y).sum().backward();
        // d/dbias of sum(y^2) = 2 sum(y) = 0 per channel (batch mean of the normalized output is 0)
        assertArrayEquals(new float[]{0, 0}, bn.bias().grad(), 1e-5f);
        assertTrue(Math.abs(bn.weight().grad()[0]) > 1, "weight gradient 2 sum(xhat^2) ~ 2 N");
        assertTrue(x.grad() != null);
    }

    private static void assertMessage(Runnable call, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should mention '" + part + "'");
        }
    }

    @Test
    void badInputsAreNamedAndCountNoBatch() {
        BatchNorm2d bn2 = new BatchNorm2d(3);
        assertMessage(() -> bn2.forward(Tensor.zeros(2, 3, 4)), "BatchNorm2d", "[N, C, H, W]", "[2, 3, 4]");
        assertMessage(() -> bn2.forward(Tensor.zeros(2, 4, 2, 2)), "BatchNorm2d(3)", "4 channels");
        assertMessage(() -> bn2.forward(Tensor.zeros(1, 3, 1, 1)), "more than 1 value per channel");
        assertEquals(0, bn2.numBatchesTracked(), "a rejected batch is not counted");
        BatchNorm1d bn1 = new BatchNorm1d(3);
        assertMessage(() -> bn1.forward(Tensor.zeros(2, 3, 4, 4)), "BatchNorm1d", "[N, C] or [N, C, L]", "rank 4");
        assertMessage(() -> new BatchNorm1d(0), "numFeatures", "0");
        assertMessage(() -> new BatchNorm1d(3, 1e-5, 1.5, true, true), "momentum", "1.5");
        bn1.eval();
        assertEquals(List.of(1, 3), java.util.Arrays.stream(bn1.forward(Tensor.zeros(1, 3)).shape()).boxed().toList(),
                "eval takes a batch of one");
    }

    @Test
    void describesItselfLikePyTorch() {
        assertEquals("BatchNorm2d(16, eps=1.0E-5, momentum=0.1, affine=true, track_running_stats=true)",
                new BatchNorm2d(16).toString());
        assertEquals("BatchNorm1d(4, eps=0.001, momentum=None, affine=false, track_running_stats=true)",
                new BatchNorm1d(4, 1e-3, null, false, true).toString());
    }
}
