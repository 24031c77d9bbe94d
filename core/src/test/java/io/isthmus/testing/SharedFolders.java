package io.isthmus.testing;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared folders beside the project that tests read (the pom sets their system properties):
 * {@code isthmus.golden.dir} (PyTorch reference cases) and {@code isthmus.data.dir} (data sets).
 * When one is absent the calling test is skipped, printing the reason.
 */
public final class SharedFolders {

    public static final String GOLDEN_PROPERTY = "isthmus.golden.dir";
    public static final String DATA_PROPERTY = "isthmus.data.dir";

    private SharedFolders() {
    }

    /** The golden folder (holding MANIFEST.json), or the test is skipped. */
    public static Path goldenOrSkip() {
        return existingOrSkip(GOLDEN_PROPERTY, "MANIFEST.json", "golden cases");
    }

    /** {@code <data dir>/<name>}, e.g. "mnist", or the test is skipped. */
    public static Path dataOrSkip(String name) {
        return existingOrSkip(DATA_PROPERTY, name, "data set " + name);
    }

    private static Path existingOrSkip(String property, String child, String what) {
        String configured = System.getProperty(property);
        Path path = configured == null ? null : Path.of(configured).resolve(child);
        boolean present = path != null && Files.exists(path);
        if (!present) {
            String reason = what + " skipped: " + (configured == null
                    ? "system property " + property + " is not set"
                    : path.toAbsolutePath().normalize() + " (from -D" + property + ") is absent");
            System.out.println(reason);
            Assumptions.abort(reason);
        }
        return configured == null ? null : (child.endsWith(".json") ? Path.of(configured) : path);
    }
}
