package io.isthmus.bench;

/** The flags every JMH fork needs; benchmarks name them in {@code @Fork(jvmArgsAppend = ...)}. */
final class JvmFlags {

    static final String VECTOR = "--add-modules=jdk.incubator.vector";
    static final String NATIVE = "--enable-native-access=ALL-UNNAMED";

    private JvmFlags() {
    }
}
