package io.isthmus.examples;

import java.lang.reflect.InvocationTargetException;

/**
 * Entry point of the examples jar, compiled for Java 11 so that an old JDK, or a launch without
 * the module flags, gets one clear message instead of UnsupportedClassVersionError or
 * NoClassDefFoundError. Hands over to {@code Main} when the JVM can run Isthmus.
 */
public final class Launcher {

    static final int REQUIRED_FEATURE = 25;
    static final String FLAGS = "--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED";

    private Launcher() {
    }

    public static void main(String[] args) throws Throwable {
        int feature = Runtime.version().feature();
        if (feature < REQUIRED_FEATURE) {
            System.err.println("isthmus: this is Java " + feature + " (" + System.getProperty("java.home")
                    + "); Isthmus needs JDK " + REQUIRED_FEATURE + " or newer. Run ./isthmus (it finds JDK 25), or "
                    + "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java " + FLAGS + " -jar <this jar> ...");
            System.exit(2);
        }
        // One line per log record (the library's startup line), unless the user configured logging.
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%5$s%6$s%n");
        }
        if (!ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            System.err.println("isthmus: launched without " + FLAGS.split(" ")[0] + ", so the SIMD kernels are off and "
                    + "everything runs on the slow scalar path. Launch with: java " + FLAGS + " -jar <this jar> ...");
        }
        try {
            Class.forName("io.isthmus.examples.Main").getMethod("main", String[].class).invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
