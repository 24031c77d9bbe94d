package io.isthmus.nn;

import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Module: names as PyTorch gives them, state dict load checks, train/eval, parameter counts. */
class ModuleTest {

    /** A PyTorch-style custom module: fields registered by name, with a buffer. */
    static final class TwoLayer extends Layer {
        final Linear fc1 = registerModule("fc1", new Linear(3, 4, true, new SplittableRandom(1)));
        final Tensor scale = registerBuffer("scale", Tensor.full(2f, 4));
        final Linear fc2 = registerModule("fc2", new Linear(4, 2, false, new SplittableRandom(2)));

        @Override
        protected Tensor compute(Tensor input) {
            return fc2.forward(fc1.forward(input).relu().mul(2f));
        }
    }

    private static Sequential nested() {
        return new Sequential(new Linear(3, 4, true, new SplittableRandom(1)), new ReLU(),
                new Sequential(new Linear(4, 5, true, new SplittableRandom(2)), new Tanh(),
                        new Linear(5, 2, false, new SplittableRandom(3))));
    }

    @Test
    void nestedSequentialUsesIndexPaths() {
        Sequential model = nested();
        assertEquals(List.of("0.weight", "0.bias", "2.0.weight", "2.0.bias", "2.2.weight"),
                List.copyOf(model.stateDict().keySet()));
        assertEquals(List.of("", "0", "1", "2", "2.0", "2.1", "2.2"), List.copyOf(model.namedModules().keySet()));
        assertArrayEquals(new int[]{5, 4}, model.stateDict().get("2.0.weight").shape(), "[out, in] as in PyTorch");
    }

    @Test
    void customModuleUsesFieldNamesWithBuffersInTheStateDictOnly() {
        TwoLayer model = new TwoLayer();
        assertEquals(List.of("fc1.weight", "fc1.bias", "fc2.weight"), List.copyOf(model.namedParameters().keySet()));
        assertEquals(List.of("scale", "fc1.weight", "fc1.bias", "fc2.weight"), List.copyOf(model.stateDict().keySet()),
                "own entries before children's, as torch.nn.Module.state_dict");
        assertEquals(3, model.parameters().size());
        assertTrue(model.parameters().stream().allMatch(Tensor::requiresGrad));
        assertFalse(model.scale.requiresGrad(), "buffers are not trained");
        assertSame(model.fc1.weight(), model.stateDict().get("fc1.weight"), "the state dict holds the live tensors");
    }

    @Test
    void registeringABadOrDuplicateNameFails() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Module() {
            {
                registerModule("a.b", new ReLU());
            }
        });
        assertTrue(e.getMessage().contains("'a.b'"), e.getMessage());
        var twice = assertThrows(IllegalArgumentException.class, () -> new Module() {
            {
                registerParameter("w", Tensor.zeros(2));
                registerBuffer("w", Tensor.zeros(2));
            }
        });
        assertTrue(twice.getMessage().contains("already has an entry named 'w'"), twice.getMessage());
    }

    @Test
    void loadStateDictCopiesTheValues() {
        Sequential source = nested();
        Sequential target = new Sequential(new Linear(3, 4, true, new SplittableRandom(7)), new ReLU(),
                new Sequential(new Linear(4, 5, true, new SplittableRandom(8)), new Tanh(),
                        new Linear(5, 2, false, new SplittableRandom(9))));
        target.loadStateDict(source.stateDict());
        for (var entry : source.stateDict().entrySet()) {
            assertArrayEquals(entry.getValue().data(), target.stateDict().get(entry.getKey()).data(), entry.getKey());
        }
        source.stateDict().get("0.bias").data()[0] += 1f;
        assertFalse(source.stateDict().get("0.bias").data()[0] == target.stateDict().get("0.bias").data()[0],
                "copied, not shared");
    }

    @Test
    void loadStateDictNamesMissingAndUnexpectedKeys() {
        Map<String, Tensor> state = new LinkedHashMap<>(new TwoLayer().stateDict());
        state.remove("fc2.weight");
        state.put("fc3.weight", Tensor.zeros(2, 4));
        var e = assertThrows(IllegalArgumentException.class, () -> new TwoLayer().loadStateDict(state));
        assertTrue(e.getMessage().contains("missing keys [fc2.weight]"), e.getMessage());
        assertTrue(e.getMessage().contains("unexpected keys [fc3.weight]"), e.getMessage());
    }

    @Test
    void loadStateDictNamesTheKeyAndBothShapesAndChangesNothing() {
        TwoLayer model = new TwoLayer();
        float[] before = model.fc1.weight().data().clone();
        Map<String, Tensor> state = new LinkedHashMap<>(new TwoLayer().stateDict());
        state.put("fc1.weight", Tensor.ones(4, 3));      // fine, would be copied first ...
        state.put("fc2.weight", Tensor.zeros(4, 2));     // ... but this one is transposed
        var e = assertThrows(IllegalArgumentException.class, () -> model.loadStateDict(state));
        assertTrue(e.getMessage().contains("'fc2.weight'") && e.getMessage().contains("[4, 2]")
                && e.getMessage().contains("[2, 4]"), e.getMessage());
        assertArrayEquals(before, model.fc1.weight().data(), "nothing is loaded when any entry is wrong");
    }

    @Test
    void trainAndEvalReachEveryDescendant() {
        Sequential model = nested();
        assertSame(model, model.eval());
        for (Module m : model.namedModules().values()) {
            assertFalse(m.isTraining());
        }
        model.train();
        for (Module m : model.namedModules().values()) {
            assertTrue(m.isTraining());
        }
    }

    @Test
    void parameterCountsOfAnMlp() {
        Sequential mlp = new Sequential(new Linear(784, 128), new ReLU(), new Linear(128, 10));
        assertEquals(101_770, mlp.parameterCount());
        assertEquals(100_480, mlp.layers().get(0).parameterCount());
        assertEquals(0, mlp.layers().get(1).parameterCount());
        assertEquals(1_290, mlp.layers().get(2).parameterCount());
        assertEquals(3 * 4 + 4 + 4 * 2, new TwoLayer().parameterCount(), "buffers are not parameters");
    }

    @Test
    void zeroGradClearsEveryParametersGradient() {
        TwoLayer model = new TwoLayer();
        model.forward(Tensor.ones(2, 3)).sum().backward();
        assertTrue(model.parameters().stream().anyMatch(p -> p.grad() != null && p.grad()[0] != 0f));
        model.zeroGrad();
        for (Tensor p : model.parameters()) {
            assertArrayEquals(new float[p.numel()], p.grad());
        }
    }

    @Test
    void sequentialAppliesLayersInOrder() {
        var model = new Sequential(new Linear(2, 2, false, new SplittableRandom(1)), new ReLU());
        Linear first = (Linear) model.layers().get(0);
        System.arraycopy(new float[]{1, 0, 0, -1}, 0, first.weight().data(), 0, 4);
        Tensor y = model.forward(Tensor.of(new float[]{3, 5}, 1, 2));
        assertArrayEquals(new float[]{3, 0}, y.data(), "ReLU after Linear: [3, -5] -> [3, 0]");
        assertEquals("Linear(in=2, out=2, bias=false)", first.toString());
    }

    @Test
    void evalAndTrainKeepTheModuleType() {
        Sequential net = nested().eval();
        assertFalse(net.isTraining());
        TwoLayer custom = new TwoLayer().eval();
        Tensor y = custom.train().eval() == custom ? custom.forward(Tensor.ones(1, 3)) : null;
        assertArrayEquals(new int[]{1, 2}, y.shape());
    }

    @Test
    void predictRunsInEvalModeWithoutAGraphAndRestoresTheMode() {
        var model = new Sequential(new Linear(3, 4, true, new SplittableRandom(1)), new Dropout(0.9f, 7));
        Tensor x = Tensor.ones(2, 3).requiresGrad(true);
        Tensor predicted = model.predict(x);
        assertTrue(model.isTraining(), "mode restored");
        assertFalse(predicted.requiresGrad(), "no graph");
        model.eval();
        assertArrayEquals(model.forward(x).data(), predicted.data(), "dropout off, as in eval mode");
    }

    @Test
    void frozenParametersCountAsNonTrainableAndBuffersApart() {
        TwoLayer model = new TwoLayer();
        assertEquals(3 * 4 + 4 + 4 * 2, model.parameterCount());
        assertEquals(4, model.bufferCount(), "the scale buffer");
        model.fc1.requiresGrad(false);
        assertEquals(4 * 2, model.trainableParameterCount());
        assertEquals(3 * 4 + 4 + 4 * 2, model.parameterCount());
        String summary = model.summary(3);
        assertTrue(summary.contains("Total params: 24\n"), summary);
        assertTrue(summary.contains("Trainable params: 8\n"), summary);
        assertTrue(summary.contains("Non-trainable params: 16\n"), summary);
        assertTrue(summary.contains("Buffers (saved, not trained): 4\n"), summary);
        model.forward(Tensor.ones(1, 3)).sum().backward();
        assertEquals(null, model.fc1.weight().grad(), "a frozen weight gets no gradient");
        assertTrue(model.fc2.weight().grad() != null, "the trainable one does");
    }

    @Test
    void summaryWithoutAnInputListsLayersAndCountsOnly() {
        String summary = nested().summary();
        assertFalse(summary.contains("Output Shape"), summary);
        assertTrue(summary.contains("2.0 (Linear)") && summary.contains("25"), summary);
        assertTrue(summary.contains("Total params: " + (3 * 4 + 4 + 4 * 5 + 5 + 5 * 2) + "\n"), summary);
    }

    @Test
    void saveAndLoadRoundTripWeightsThroughSafetensors(@TempDir Path dir) throws IOException {
        TwoLayer saved = new TwoLayer();
        saved.scale.data()[1] = 5f;
        Path file = dir.resolve("sub/dir/two.safetensors");
        saved.save(file);
        TwoLayer loaded = new TwoLayer();
        loaded.fc2.weight().data()[0] = 42f;
        loaded.load(file);
        for (var e : saved.stateDict().entrySet()) {
            assertArrayEquals(e.getValue().data(), loaded.stateDict().get(e.getKey()).data(), e.getKey());
        }
        var wrong = assertThrows(IllegalArgumentException.class, () -> nested().load(file));
        assertTrue(wrong.getMessage().startsWith(file.toString()) && wrong.getMessage().contains("missing keys"),
                wrong.getMessage());
        var missing = assertThrows(NoSuchFileException.class, () -> loaded.load(dir.resolve("absent.safetensors")));
        assertTrue(missing.getMessage().contains("absent.safetensors"), missing.getMessage());
    }
}
