package io.isthmus.io;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.isthmus.tensor.IndexTensor;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import io.isthmus.testing.SharedFolders;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reads every PyTorch-written golden file and checks it against MANIFEST.json. */
class SafeTensorsGoldenTest {

    private static Path goldenDir() {
        return SharedFolders.goldenOrSkip();
    }

    @Test
    void everyGoldenFileMatchesTheManifest() throws IOException {
        Path dir = goldenDir();
        JsonObject manifest = JsonParser.parseString(Files.readString(dir.resolve("MANIFEST.json"))).getAsJsonObject();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().toList();
        }
        assertEquals(manifest.size(), files.size(), "one .safetensors file per manifest case");

        for (Path file : files) {
            String name = file.getFileName().toString().replace(".safetensors", "");
            JsonObject entry = manifest.getAsJsonObject(name);
            assertTrue(entry != null, name + " is not in MANIFEST.json");
            SafeTensors st = SafeTensors.read(file);
            JsonObject expected = entry.getAsJsonObject("tensors");

            // Same tensors, in data-offset order.
            List<String> byOffset = new ArrayList<>(expected.keySet());
            byOffset.sort(Comparator.comparingLong(k -> expected.getAsJsonObject(k).getAsJsonArray("data_offsets").get(0).getAsLong()));
            assertEquals(byOffset, List.copyOf(st.tensors().keySet()), name);

            for (Map.Entry<String, StoredTensor> t : st.tensors().entrySet()) {
                JsonObject info = expected.getAsJsonObject(t.getKey());
                String where = name + "/" + t.getKey();
                assertEquals(info.get("dtype").getAsString(), t.getValue().dtype().name(), where);
                int[] shape = info.getAsJsonArray("shape").asList().stream().mapToInt(JsonElement::getAsInt).toArray();
                assertArrayEquals(shape, t.getValue().shape(), where);
                if (t.getValue().dtype() == DType.F32) {
                    for (float v : t.getValue().floats()) {
                        assertTrue(Float.isFinite(v), where + " has a non-finite value " + v);
                    }
                }
            }

            // __metadata__ holds the manifest settings as strings (non-strings JSON-encoded).
            JsonObject meta = entry.getAsJsonObject("meta");
            assertEquals(meta.keySet(), st.metadata().keySet(), name);
            for (String key : meta.keySet()) {
                JsonElement want = meta.get(key);
                String got = st.metadata().get(key);
                if (want.isJsonPrimitive() && want.getAsJsonPrimitive().isString()) {
                    assertEquals(want.getAsString(), got, name + " metadata " + key);
                } else {
                    assertEquals(want, JsonParser.parseString(got), name + " metadata " + key);
                }
            }
        }
    }

    @Test
    void crossEntropyLabelsAreInt64ClassIndices() throws IOException {
        SafeTensors st = SafeTensors.read(goldenDir().resolve("cross_entropy.safetensors"));
        StoredTensor labels = st.tensors().get("labels");
        StoredTensor logits = st.tensors().get("logits");
        assertEquals(DType.I64, labels.dtype());
        int classes = logits.shape()[1];
        for (long label : labels.longs()) {
            assertTrue(label >= 0 && label < classes, "label " + label + " outside [0, " + classes + ")");
        }        // Read as the IndexTensor the cross-entropy loss takes: same values, same shape.
        IndexTensor asIndices = st.indices("labels");
        assertArrayEquals(labels.shape(), asIndices.shape());
        for (int i = 0; i < labels.numel(); i++) {
            assertEquals(labels.longs()[i], asIndices.data()[i]);
        }
    }

    @Test
    void goldenFileSurvivesAWriteReadRoundTrip(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        SafeTensors st = SafeTensors.read(goldenDir().resolve("cross_entropy.safetensors"));
        Path copy = tmp.resolve("copy.safetensors");
        st.write(copy);
        SafeTensors back = SafeTensors.read(copy);
        assertEquals(st, back);
    }
}
