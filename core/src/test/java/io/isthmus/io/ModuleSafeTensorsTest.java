package io.isthmus.io;

import io.isthmus.nn.Linear;
import io.isthmus.nn.ReLU;
import io.isthmus.nn.Sequential;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A module's state dict through a safetensors file and back, exactly. */
class ModuleSafeTensorsTest {

    @Test
    void stateDictRoundTripsExactly(@TempDir Path dir) throws IOException {
        var saved = new Sequential(new Linear(4, 8, true, new SplittableRandom(1)), new ReLU(),
                new Linear(8, 3, true, new SplittableRandom(2)));
        var loaded = new Sequential(new Linear(4, 8, true, new SplittableRandom(3)), new ReLU(),
                new Linear(8, 3, true, new SplittableRandom(4)));
        Path file = dir.resolve("mlp.safetensors");
        SafeTensors.ofTensors(saved.stateDict(), Map.of("format", "pt")).write(file);

        SafeTensors st = SafeTensors.read(file);
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), List.copyOf(st.tensors().keySet()));
        assertArrayEquals(new int[]{8, 4}, st.tensors().get("0.weight").shape(), "PyTorch layout [out, in]");
        loaded.loadStateDict(st.toTensors());
        for (var e : saved.stateDict().entrySet()) {
            Tensor t = loaded.stateDict().get(e.getKey());
            assertArrayEquals(e.getValue().data(), t.data(), e.getKey());
        }
    }
}
