package io.isthmus.nn;

import io.isthmus.io.SafeTensors;
import io.isthmus.ops.Activations;
import io.isthmus.ops.Conv;
import io.isthmus.ops.Conv2dOptions;
import io.isthmus.tensor.Seeds;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Conv2d: PyTorch's layout, default initialization, settings and repr, and state dicts with PyTorch's names. */
class Conv2dTest {

    /**
     * kaiming_uniform with a = sqrt 5 gives U(-1/sqrt(fanIn), 1/sqrt(fanIn)), fanIn = in / groups * kH * kW,
     * for the weight, and the bias uses the same bound.
     */
    @Test
    void initializationIsUniformWithinOneOverSqrtFanIn() {
        checkInit(Conv2d.builder(16, 64, 3).random(new SplittableRandom(1)).build(), new int[]{64, 16, 3, 3}, 1 / 12f);
        checkInit(Conv2d.builder(16, 64, 3, 5).groups(4).random(new SplittableRandom(2)).build(),
                new int[]{64, 4, 3, 5}, (float) (1 / Math.sqrt(60)));
    }

    private static void checkInit(Conv2d layer, int[] shape, float bound) {
        assertArrayEquals(shape, layer.weight().shape());
        assertArrayEquals(new int[]{shape[0]}, layer.bias().shape());
        double sumSquares = 0;
        float max = 0;
        for (float w : layer.weight().data()) {
            assertTrue(Math.abs(w) <= bound, "weight " + w + " beyond " + bound);
            sumSquares += (double) w * w;
            max = Math.max(max, Math.abs(w));
        }
        int n = layer.weight().numel();
        assertEquals(bound * bound / 3, sumSquares / n, bound * bound / 3 * 0.08, "variance of U(-b, b)");
        assertTrue(max > 0.99f * bound, "the range is used up to the bound: " + max);
        for (float b : layer.bias().data()) {
            assertTrue(Math.abs(b) <= bound, "bias " + b);
        }
    }

    @Test
    void seedsMakeInitializationRepeatable() {
        Seeds.set(5);
        float[] a = new Conv2d(3, 8, 3).weight().data();
        Seeds.set(5);
        float[] b = new Conv2d(3, 8, 3).weight().data();
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, new Conv2d(3, 8, 3).weight().data()));
    }

    @Test
    void describeReadsLikePyTorchsRepr() {
        assertEquals("Conv2d(3, 32, kernel_size=(3, 3), stride=(1, 1))", new Conv2d(3, 32, 3).toString());
        assertEquals("Conv2d(32, 64, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1))",
                Conv2d.builder(32, 64, 3).padding(1).stride(2).build().toString());
        assertEquals("Conv2d(64, 64, kernel_size=(3, 5), stride=(1, 2), padding=(1, 2), dilation=(2, 2), groups=64, "
                        + "bias=False)",
                Conv2d.builder(64, 64, 3, 5).stride(1, 2).padding(1, 2).dilation(2).groups(64).bias(false).build()
                        .toString());
    }

    @Test
    void buildersAreImmutable() {
        Conv2d.Builder base = Conv2d.builder(8, 8, 3).padding(1);
        Conv2d strided = base.stride(2).bias(false).build();
        Conv2d plain = base.build();
        assertEquals(Conv2dOptions.DEFAULT.padding(1).stride(2), strided.options());
        assertEquals(Conv2dOptions.DEFAULT.padding(1), plain.options());
        assertNull(strided.bias());
        assertEquals(List.of("weight", "bias"), List.copyOf(plain.stateDict().keySet()));
        assertArrayEquals(new int[]{3, 3}, plain.kernelSize());
    }

    @Test
    void badSettingsAreRejected() {
        assertEquals("Conv2d: in_channels 6 must be divisible by groups 4",
                assertThrows(IllegalArgumentException.class, () -> Conv2d.builder(6, 8, 3).groups(4).build()).getMessage());
        assertEquals("Conv2d: out_channels 9 must be divisible by groups 2",
                assertThrows(IllegalArgumentException.class, () -> Conv2d.builder(6, 9, 3).groups(2).build()).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Conv2d(0, 8, 3));
        assertThrows(IllegalArgumentException.class, () -> new Conv2d(3, 8, 0));
        assertThrows(IllegalArgumentException.class, () -> Conv2d.builder(3, 8, 3).stride(0));
    }

    @Test
    void forwardShapesAndAWrongChannelCount() {
        Conv2d layer = Conv2d.builder(3, 8, 3).padding(1).stride(2).build();
        assertArrayEquals(new int[]{2, 8, 4, 5}, layer.forward(Tensor.zeros(2, 3, 7, 9)).shape());
        assertArrayEquals(new int[]{8, 4, 5}, layer.forward(Tensor.zeros(3, 7, 9)).shape());
        String message = assertThrows(IllegalArgumentException.class, () -> layer.forward(Tensor.zeros(2, 4, 7, 9)))
                .getMessage();
        assertEquals("Conv2d(3, 8, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1)) expects 3 input channels, got "
                + "input [2, 4, 7, 9]", message);
    }

    /** conv 3->8 3x3, ReLU, depthwise 3x3 stride 2, ReLU, grouped 1x1 8->16 without bias, flatten, linear 256->10. */
    private static Sequential smallConvNet(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return new Sequential(
                Conv2d.builder(3, 8, 3).padding(1).random(random).build(),
                new ReLU(),
                Conv2d.builder(8, 8, 3).padding(1).stride(2).groups(8).random(random).build(),
                new ReLU(),
                Conv2d.builder(8, 16, 1).groups(2).bias(false).random(random).build(),
                new Flatten(),
                new Linear(16 * 4 * 4, 10, true, random));
    }

    /**
     * A state dict as PyTorch's {@code save_file(model.state_dict())} writes it for the same
     * nn.Sequential: names {@code <index>.weight}, {@code <index>.bias}; conv weights
     * [out, in / groups, kH, kW]. It loads, and the net computes with exactly those tensors.
     */
    @Test
    void aSmallConvNetsPyTorchStateDictLoads(@TempDir Path dir) throws IOException {
        Map<String, int[]> pytorchShapes = new LinkedHashMap<>();
        pytorchShapes.put("0.weight", new int[]{8, 3, 3, 3});
        pytorchShapes.put("0.bias", new int[]{8});
        pytorchShapes.put("2.weight", new int[]{8, 1, 3, 3});
        pytorchShapes.put("2.bias", new int[]{8});
        pytorchShapes.put("4.weight", new int[]{16, 4, 1, 1});
        pytorchShapes.put("6.weight", new int[]{10, 256});
        pytorchShapes.put("6.bias", new int[]{10});
        Sequential net = smallConvNet(1);
        Map<String, Tensor> own = net.stateDict();
        assertEquals(List.copyOf(pytorchShapes.keySet()), List.copyOf(own.keySet()));
        pytorchShapes.forEach((name, shape) -> assertArrayEquals(shape, own.get(name).shape(), name));

        SplittableRandom random = new SplittableRandom(7);
        Map<String, Tensor> saved = new LinkedHashMap<>();
        pytorchShapes.forEach((name, shape) -> saved.put(name, Tensor.uniform(random, -0.5f, 0.5f, shape)));
        Path file = dir.resolve("convnet.safetensors");
        SafeTensors.ofTensors(saved, Map.of("format", "pt")).write(file);
        net.load(file);
        saved.forEach((name, t) -> assertArrayEquals(t.data(), net.stateDict().get(name).data(), name));

        Tensor x = Tensor.uniform(random, -1f, 1f, 2, 3, 8, 8);
        Tensor h = Activations.relu(Conv.conv2d(x, saved.get("0.weight"), saved.get("0.bias"), 1, 1));
        h = Activations.relu(Conv.conv2d(h, saved.get("2.weight"), saved.get("2.bias"),
                Conv2dOptions.DEFAULT.padding(1).stride(2).groups(8)));
        h = Conv.conv2d(h, saved.get("4.weight"), null, Conv2dOptions.DEFAULT.groups(2));
        Tensor expected = io.isthmus.ops.Linear.linear(h.reshape(2, 256), saved.get("6.weight"), saved.get("6.bias"));
        assertArrayEquals(expected.data(), net.forward(x).data());

        Map<String, Tensor> wrong = new LinkedHashMap<>(saved);
        wrong.put("2.weight", Tensor.zeros(8, 8, 3, 3));
        String message = assertThrows(IllegalArgumentException.class, () -> smallConvNet(2).loadStateDict(wrong))
                .getMessage();
        assertEquals("state dict entry '2.weight' has shape [8, 8, 3, 3] but the module expects [8, 1, 3, 3]", message);
    }

    @Test
    void summaryShowsTheConvNetsOutputShapes() {
        String summary = smallConvNet(3).summary(3, 8, 8);
        for (String row : new String[]{"[N, 8, 8, 8]", "[N, 8, 4, 4]", "[N, 16, 4, 4]", "[N, 256]", "[N, 10]"}) {
            assertTrue(summary.contains(row), row + " in\n" + summary);
        }
        // 8*27 + 8, 8*9 + 8, 16*4, 2560 + 10
        assertTrue(summary.contains("Total params: 2,938\n"), summary);
    }

    /** The gradient of a loss through the layer reaches the weight and bias with the batch summed. */
    @Test
    void parametersReceiveGradients() {
        Conv2d layer = Conv2d.builder(2, 3, 3).padding(1).random(new SplittableRandom(4)).build();
        Tensor x = Tensor.uniform(new SplittableRandom(5), -1f, 1f, 4, 2, 5, 5);
        layer.forward(x).sum().backward();
        assertArrayEquals(new float[]{100, 100, 100}, layer.bias().grad(), "4 samples x 25 pixels");
        assertEquals(layer.weight().numel(), layer.weight().grad().length);
    }
}
