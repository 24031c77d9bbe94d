package io.isthmus.io;

import java.util.Optional;

/**
 * Element types of the safetensors format that Isthmus reads. Float types are converted to
 * {@code float} on reading; integer and boolean types to {@code long}.
 */
public enum DType {
    F64(8, true),
    F32(4, true),
    F16(2, true),
    BF16(2, true),
    I64(8, false),
    I32(4, false),
    I16(2, false),
    I8(1, false),
    U8(1, false),
    BOOL(1, false);

    private final int byteSize;
    private final boolean floatingPoint;

    DType(int byteSize, boolean floatingPoint) {
        this.byteSize = byteSize;
        this.floatingPoint = floatingPoint;
    }

    /** Bytes per element in the file. */
    public int byteSize() {
        return byteSize;
    }

    /** True if elements are held as {@code float[]}, false if as {@code long[]}. */
    public boolean isFloatingPoint() {
        return floatingPoint;
    }

    /** The dtype spelled {@code name} in a safetensors header (case-sensitive, as the spec). */
    public static Optional<DType> fromHeaderName(String name) {
        for (DType d : values()) {
            if (d.name().equals(name)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }
}
