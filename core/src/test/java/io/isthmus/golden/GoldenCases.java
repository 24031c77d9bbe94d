package io.isthmus.golden;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.isthmus.io.SafeTensors;
import io.isthmus.testing.SharedFolders;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The PyTorch reference cases in the folder named by {@code -Disthmus.golden.dir} (the pom sets
 * {@code ../shared/golden}). When the folder is absent the calling test is skipped, and says why
 * (on CI it fails: {@link SharedFolders}).
 */
public final class GoldenCases {

    private GoldenCases() {
    }

    /**
     * The manifest: every case name, in file order, with its settings ({@code meta}); skips the
     * test when there is no folder (fails on CI, see {@link SharedFolders}).
     */
    public static Map<String, JsonObject> manifest() {
        Path dir = SharedFolders.goldenOrSkip();
        Path file = dir.resolve("MANIFEST.json");
        Map<String, JsonObject> metas = new LinkedHashMap<>();
        try {
            JsonObject manifest = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
            for (Map.Entry<String, JsonElement> entry : manifest.entrySet()) {
                metas.put(entry.getKey(), entry.getValue().getAsJsonObject().getAsJsonObject("meta"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return metas;
    }

    /**
     * The named cases, in manifest order; a name that is not in the manifest fails the test.
     * Golden tests reach this through their {@link GoldenSuite}, which is what the coverage test
     * counts.
     */
    static List<GoldenCase> named(Set<String> names) {
        Path dir = SharedFolders.goldenOrSkip();
        Map<String, JsonObject> manifest = manifest();
        Set<String> unknown = new TreeSet<>(names);
        unknown.removeAll(manifest.keySet());
        if (!unknown.isEmpty()) {
            fail("golden cases " + unknown + " are not in " + dir.resolve("MANIFEST.json"));
        }
        List<GoldenCase> cases = new ArrayList<>();
        try {
            for (Map.Entry<String, JsonObject> entry : manifest.entrySet()) {
                if (names.contains(entry.getKey())) {
                    Path file = dir.resolve(entry.getKey() + ".safetensors");
                    cases.add(new GoldenCase(entry.getKey(), entry.getValue(), SafeTensors.read(file)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the golden cases in " + dir, e);
        }
        return cases;
    }

    /**
     * Asserts |actual - expected| <= atol + rtol * |expected| elementwise, naming the case, the
     * tensor, the first failing index and both values.
     */
    public static void assertClose(String what, float[] expected, float[] actual, double atol, double rtol) {
        if (expected.length != actual.length) {
            fail(what + ": expected " + expected.length + " values, got " + actual.length);
        }
        for (int i = 0; i < expected.length; i++) {
            double diff = Math.abs(actual[i] - expected[i]);
            if (!(diff <= atol + rtol * Math.abs(expected[i]))) {
                fail(what + ": element " + i + " is " + actual[i] + ", PyTorch gives " + expected[i] + " (|diff| " + diff
                        + ", tolerance " + atol + " + " + rtol + " * |expected|)");
            }
        }
    }
}
