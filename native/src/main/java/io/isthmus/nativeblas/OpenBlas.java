package io.isthmus.nativeblas;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * OpenBLAS bound through the Foreign Function &amp; Memory API.
 *
 * <p>Heap {@code float[]} arrays are handed to BLAS without copying: the downcalls are linked
 * with {@link Linker.Option#critical(boolean) critical(true)}, which lets the JVM pass a heap
 * segment's address directly (the GC waits while the call runs).
 *
 * <p>Use {@link #instance()}; it is empty when the library could not be found or loaded, and
 * {@link #unavailableReason()} says why.
 */
public final class OpenBlas {

    /** CBLAS enum values (cblas.h). */
    static final int CBLAS_ROW_MAJOR = 101;
    static final int CBLAS_NO_TRANS = 111;
    static final int CBLAS_TRANS = 112;

    private final String libraryPath;
    private final MethodHandle sgemm;
    private final MethodHandle sgemv;
    private final MethodHandle setNumThreads;
    private final MethodHandle getNumThreads;
    private final String config;
    private final String coreName;

    private OpenBlas(String libraryPath, SymbolLookup lookup) throws Throwable {
        Linker linker = Linker.nativeLinker();
        Linker.Option critical = Linker.Option.critical(true);
        ValueLayout.OfInt i = ValueLayout.JAVA_INT;
        ValueLayout.OfFloat f = ValueLayout.JAVA_FLOAT;
        ValueLayout p = ValueLayout.ADDRESS;
        this.libraryPath = libraryPath;
        // void cblas_sgemm(order, transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc)
        this.sgemm = linker.downcallHandle(find(lookup, "cblas_sgemm"),
                FunctionDescriptor.ofVoid(i, i, i, i, i, i, f, p, i, p, i, f, p, i), critical);
        // void cblas_sgemv(order, trans, M, N, alpha, A, lda, X, incX, beta, Y, incY)
        this.sgemv = linker.downcallHandle(find(lookup, "cblas_sgemv"),
                FunctionDescriptor.ofVoid(i, i, i, i, f, p, i, p, i, f, p, i), critical);
        this.setNumThreads = linker.downcallHandle(find(lookup, "openblas_set_num_threads"),
                FunctionDescriptor.ofVoid(i));
        this.getNumThreads = linker.downcallHandle(find(lookup, "openblas_get_num_threads"),
                FunctionDescriptor.of(i));
        MethodHandle getConfig = linker.downcallHandle(find(lookup, "openblas_get_config"),
                FunctionDescriptor.of(p));
        MethodHandle getCorename = linker.downcallHandle(find(lookup, "openblas_get_corename"),
                FunctionDescriptor.of(p));
        this.config = readCString((MemorySegment) getConfig.invokeExact());
        this.coreName = readCString((MemorySegment) getCorename.invokeExact());
    }

    private static MemorySegment find(SymbolLookup lookup, String symbol) {
        return lookup.find(symbol).orElseThrow(() ->
                new UnsatisfiedLinkError("symbol " + symbol + " not found in the library"));
    }

    private static String readCString(MemorySegment pointer) {
        if (pointer.equals(MemorySegment.NULL)) {
            return "";
        }
        return pointer.reinterpret(4096).getString(0).trim();
    }

    /** The loaded library, or empty when it could not be found or bound. */
    public static Optional<OpenBlas> instance() {
        return Optional.ofNullable(Holder.LOADED.blas());
    }

    /** Why {@link #instance()} is empty, or null when it is not. */
    public static String unavailableReason() {
        return Holder.LOADED.reason();
    }

    /** The file the library was loaded from (a path or a soname). */
    public String libraryPath() {
        return libraryPath;
    }

    /** {@code openblas_get_config()}, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Cooperlake MAX_THREADS=64". */
    public String config() {
        return config;
    }

    /** {@code openblas_get_corename()}, e.g. "Cooperlake". */
    public String coreName() {
        return coreName;
    }

    /** The version number parsed from {@link #config()}, e.g. "0.3.21", or "unknown". */
    public String version() {
        String[] words = config.split("\\s+");
        for (int w = 0; w + 1 < words.length; w++) {
            if (words[w].equalsIgnoreCase("OpenBLAS")) {
                return words[w + 1];
            }
        }
        return "unknown";
    }

    public void setNumThreads(int threads) {
        try {
            setNumThreads.invokeExact(threads);
        } catch (Throwable t) {
            throw new IllegalStateException("openblas_set_num_threads(" + threads + ") failed", t);
        }
    }

    public int numThreads() {
        try {
            return (int) getNumThreads.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("openblas_get_num_threads() failed", t);
        }
    }

    /**
     * Row-major {@code C = alpha * op(A) * op(B) + beta * C} on heap arrays, zero copy.
     * The caller has checked every bound: BLAS does not.
     *
     * <p>Shapes: op(A): [m, k] (A stored [m, lda] or, transposed, [k, lda]); op(B): [k, n];
     * C: [m, ldc] starting at {@code cOff}.
     */
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        try {
            sgemm.invokeExact(CBLAS_ROW_MAJOR, transA ? CBLAS_TRANS : CBLAS_NO_TRANS,
                    transB ? CBLAS_TRANS : CBLAS_NO_TRANS, m, n, k, alpha,
                    heap(a, aOff), lda, heap(b, bOff), ldb, beta, heap(c, cOff), ldc);
        } catch (Throwable t) {
            throw new IllegalStateException("cblas_sgemm failed", t);
        }
    }

    /**
     * Row-major {@code y = alpha * op(A) * x + beta * y} on heap arrays, zero copy, unit strides.
     * A: [m, lda]; x: [n] (or [m] when transposed); y: [m] (or [n]).
     */
    public void sgemv(boolean transA, int m, int n, float alpha, float[] a, int aOff, int lda,
                      float[] x, int xOff, float beta, float[] y, int yOff) {
        try {
            sgemv.invokeExact(CBLAS_ROW_MAJOR, transA ? CBLAS_TRANS : CBLAS_NO_TRANS, m, n, alpha,
                    heap(a, aOff), lda, heap(x, xOff), 1, beta, heap(y, yOff), 1);
        } catch (Throwable t) {
            throw new IllegalStateException("cblas_sgemv failed", t);
        }
    }

    /**
     * Off-heap variant of {@link #sgemm}: the operands live in native memory. Used to measure
     * whether copying long calls off the heap beats holding the GC with a critical call.
     */
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      MemorySegment a, int lda, MemorySegment b, int ldb,
                      float beta, MemorySegment c, int ldc) {
        try {
            sgemm.invokeExact(CBLAS_ROW_MAJOR, transA ? CBLAS_TRANS : CBLAS_NO_TRANS,
                    transB ? CBLAS_TRANS : CBLAS_NO_TRANS, m, n, k, alpha,
                    a, lda, b, ldb, beta, c, ldc);
        } catch (Throwable t) {
            throw new IllegalStateException("cblas_sgemm failed", t);
        }
    }

    private static MemorySegment heap(float[] array, int offset) {
        MemorySegment whole = MemorySegment.ofArray(array);
        return offset == 0 ? whole : whole.asSlice((long) offset * Float.BYTES);
    }

    @Override
    public String toString() {
        return "OpenBLAS " + version() + " (" + coreName + ")";
    }

    /** Loads once, on first use, so that merely referencing this class never touches native code. */
    private static final class Holder {
        static final Loaded LOADED = OpenBlasLoader.load();
    }

    record Loaded(OpenBlas blas, String reason) {
    }

    /** Binds the library found at {@code path}; used by {@link OpenBlasLoader}. */
    static OpenBlas bind(String path, SymbolLookup lookup) throws Throwable {
        return new OpenBlas(path, lookup);
    }
}
