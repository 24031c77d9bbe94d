package io.isthmus.testing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared folders beside the project that tests read (the pom sets their system properties):
 * {@code isthmus.golden.dir} (PyTorch reference cases) and {@code isthmus.data.dir} (data sets).
 * When one is absent the calling test is skipped, printing the reason; on CI (environment
 * variable {@code CI=true}) it fails instead, so a build that lost {@code ../shared} cannot pass
 * by skipping. Every golden and data test goes through here: this is the one place that decides.
 */
public final class SharedFolders {

    public static final String GOLDEN_PROPERTY = "isthmus.golden.dir";
    public static final String DATA_PROPERTY = "isthmus.data.dir";

    private SharedFolders() {
    }

    /** The golden folder (holding MANIFEST.json), or the test is skipped (failed on CI). */
    public static Path goldenOrSkip() {
        return Path.of(existingOrSkip(GOLDEN_PROPERTY, "MANIFEST.json", "golden cases")).getParent();
    }

    /** {@code <data dir>/<name>}, e.g. "mnist", or the test is skipped (failed on CI). */
    public static Path dataOrSkip(String name) {
        return Path.of(existingOrSkip(DATA_PROPERTY, name, "data set " + name));
    }

    /** True when the environment says this is a CI run ({@code CI=true}, any case). */
    public static boolean onCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    private static String existingOrSkip(String property, String child, String what) {
        String configured = System.getProperty(property);
        Path path = configured == null ? null : Path.of(configured).resolve(child);
        if (path != null && Files.exists(path)) {
            return path.toString();
        }
        String where = configured == null
                ? "system property " + property + " is not set"
                : path.toAbsolutePath().normalize() + " (from -D" + property + ") is absent";
        if (onCi()) {
            Assertions.fail(what + " missing on CI (CI=true): " + where
                    + "; check out the shared folder beside the project (../shared) or point -D" + property + " at it");
        }
        String reason = what + " skipped: " + where + " (with CI=true this fails)";
        System.out.println(reason);
        Assumptions.abort(reason);
        throw new AssertionError("unreachable");
    }
}
