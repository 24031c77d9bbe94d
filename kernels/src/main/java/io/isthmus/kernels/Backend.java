package io.isthmus.kernels;

import java.util.Locale;

/** Which GEMM implementation runs; chosen with {@code -Disthmus.backend=reference|simd|blas|auto}. */
public enum Backend {
    /** Plain scalar loops: the oracle. */
    REFERENCE,
    /** Vector API kernels. */
    SIMD,
    /** OpenBLAS through Panama (GEMM only; elementwise kernels stay on SIMD). */
    BLAS,
    /** Per shape class, the faster of SIMD and BLAS, timed on this machine at the class's first call (see AutoGemm). */
    AUTO;

    public static final String PROPERTY = "isthmus.backend";

    public static Backend parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("-D" + PROPERTY + "=" + text
                    + " is not a backend; use one of reference, simd, blas, auto");
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
