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
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The PyTorch reference cases in the folder named by {@code -Disthmus.golden.dir} (the pom sets
 * {@code ../shared/golden}). When the folder is absent the calling test is skipped, and says why.
 */
public final class GoldenCases {

    private GoldenCases() {
    }

    /** Every case whose op is in {@code ops}, in manifest order; skips the test when there is no folder. */
    public static List<GoldenCase> withOps(Set<String> ops) {
        Path dir = SharedFolders.goldenOrSkip();
        List<GoldenCase> cases = new ArrayList<>();
        try {
            JsonObject manifest = JsonParser.parseString(Files.readString(dir.resolve("MANIFEST.json"))).getAsJsonObject();
            for (Map.Entry<String, JsonElement> entry : manifest.entrySet()) {
                JsonObject meta = entry.getValue().getAsJsonObject().getAsJsonObject("meta");
                if (ops.contains(meta.get("op").getAsString())) {
                    Path file = dir.resolve(entry.getKey() + ".safetensors");
                    cases.add(new GoldenCase(entry.getKey(), meta, SafeTensors.read(file)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the golden cases in " + dir, e);
        }
        if (cases.isEmpty()) {
            fail("no golden case in " + dir + " has an op in " + ops);
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
