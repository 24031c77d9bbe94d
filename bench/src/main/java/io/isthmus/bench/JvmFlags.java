package io.isthmus.bench;

/** The flags every JMH fork needs; benchmarks name them in {@code @Fork(jvmArgsAppend = ...)}. */
final class JvmFlags {

    static final String VECTOR = "--add-modules=jdk.incubator.vector";
    static final String NATIVE = "--enable-native-access=ALL-UNNAMED";
    /** The provider's startup line on one line (JUL's default format takes two). */
    static final String ONE_LINE_LOG = "-Djava.util.logging.SimpleFormatter.format=%5$s%6$s%n";

    private JvmFlags() {
    }
}
