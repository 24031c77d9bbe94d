package io.isthmus.nativeblas;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds OpenBLAS: {@code -Disthmus.openblas=PATH}, else env {@code ISTHMUS_OPENBLAS}, else the
 * standard sonames the dynamic linker resolves. An explicit path that does not load is not
 * silently replaced by another library: the reason names that path.
 */
final class OpenBlasLoader {

    static final String PROPERTY = "isthmus.openblas";
    static final String ENV = "ISTHMUS_OPENBLAS";
    static final List<String> SONAMES = List.of(
            "libopenblas.so.0", "libopenblas.so", "libopenblasp.so.0", "libopenblaso.so.0",
            "libopenblas.dylib", "openblas.dll", "libopenblas.dll");

    private OpenBlasLoader() {
    }

    static OpenBlas.Loaded load() {
        if (!OpenBlasLoader.class.getModule().isNativeAccessEnabled()) {
            return new OpenBlas.Loaded(null, "native access is not enabled "
                    + "(launch the JVM with --enable-native-access=ALL-UNNAMED)");
        }
        String explicit = System.getProperty(PROPERTY);
        String source = "-D" + PROPERTY;
        if (explicit == null || explicit.isBlank()) {
            explicit = System.getenv(ENV);
            source = "$" + ENV;
        }
        if (explicit != null && !explicit.isBlank()) {
            return loadExplicit(explicit.trim(), source);
        }
        List<String> failures = new ArrayList<>();
        for (String soname : SONAMES) {
            try {
                SymbolLookup lookup = SymbolLookup.libraryLookup(soname, Arena.global());
                return new OpenBlas.Loaded(OpenBlas.bind(soname, lookup), null);
            } catch (Throwable t) {
                failures.add(soname);
            }
        }
        return new OpenBlas.Loaded(null, "no OpenBLAS library found (tried " + String.join(", ", failures)
                + "; install Debian's libopenblas0-pthread or set -D" + PROPERTY + "=/path/to/libopenblas.so)");
    }

    private static OpenBlas.Loaded loadExplicit(String path, String source) {
        if (!Files.exists(Path.of(path)) && path.contains("/")) {
            return new OpenBlas.Loaded(null, source + " names " + path + ", which does not exist");
        }
        try {
            SymbolLookup lookup = path.contains("/")
                    ? SymbolLookup.libraryLookup(Path.of(path), Arena.global())
                    : SymbolLookup.libraryLookup(path, Arena.global());
            return new OpenBlas.Loaded(OpenBlas.bind(path, lookup), null);
        } catch (Throwable t) {
            return new OpenBlas.Loaded(null, source + " names " + path + ", which could not be loaded as OpenBLAS: "
                    + t.getMessage());
        }
    }
}
