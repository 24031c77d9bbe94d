package io.isthmus.kernels;

import io.isthmus.kernels.elementwise.Elementwise;
import io.isthmus.kernels.elementwise.ScalarElementwise;
import io.isthmus.kernels.gemm.AutoGemm;
import io.isthmus.kernels.gemm.BlasGemm;
import io.isthmus.kernels.gemm.CheckedGemm;
import io.isthmus.kernels.gemm.Gemm;
import io.isthmus.kernels.gemm.ReferenceGemm;
import io.isthmus.nativeblas.OpenBlas;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Decides once, at first use, which kernels run, and logs one line saying what it chose and why
 * (e.g. {@code isthmus: SIMD 512-bit, OpenBLAS 0.3.21 (Cooperlake) via Panama, 2 threads, backend auto}).
 *
 * <p>Without {@code --add-modules jdk.incubator.vector} everything runs on the scalar kernels;
 * without OpenBLAS, GEMM runs on SIMD. Forcing a backend that is unavailable
 * ({@code -Disthmus.backend=blas} with no OpenBLAS) fails with the reason, never silently.
 */
public final class Kernels {

    private static final AtomicBoolean WARMED_UP = new AtomicBoolean();

    static final String SIMD_CLASS = "io.isthmus.kernels.simd.VectorKernels";
    private static final System.Logger LOG = System.getLogger("io.isthmus");

    private Kernels() {
    }

    /** GEMM of the configured backend, with argument checks. */
    public static Gemm gemm() {
        return Holder.SELECTION.gemm;
    }

    /** Elementwise kernels: SIMD when the Vector API is present, scalar otherwise (or when forced to reference). */
    public static Elementwise elementwise() {
        return Holder.SELECTION.elementwise;
    }

    /**
     * Starts compiling the SIMD kernels of a typical training step (linear layers, ReLU, gradient
     * accumulation, SGD/Adam) on a background thread and returns (after choosing the kernels, if
     * that has not happened yet: about 0.2 s); call it before loading data so that the JIT's
     * warm-up overlaps the loading instead of the first epoch. Without it
     * each kernel starts warming up at its first call (running its bit-identical scalar twin
     * until then); with {@code -Disthmus.warmup=false} or without SIMD it does nothing. When the
     * backend calls OpenBLAS, it also makes one product through it here (about 5 ms): the first
     * call links the downcall and faults in OpenBLAS's work buffers. With GEMM {@code auto}, a
     * second daemon thread ({@code isthmus-gemm-warmup}) compiles the SIMD GEMM, so that auto can
     * time it against OpenBLAS from then on (see {@link AutoGemm}: a shape class met before that
     * runs on OpenBLAS in this process).
     */
    public static void warmUp() {
        // a trainer calls this for users who would not; once per process is enough
        if (Holder.SELECTION.backend == Backend.REFERENCE || !WARMED_UP.compareAndSet(false, true)) {
            return;
        }
        simd().ifPresent(SimdKernels::warmUp);
        if (Holder.SELECTION.backend != Backend.SIMD) {
            blasGemm().ifPresent(Kernels::firstBlasCall);
        }
        if (Holder.SELECTION.backend == Backend.AUTO && warmupAllowed()) {
            // Auto times the SIMD GEMM only once compiled; get that going during data loading.
            autoGemmInstance().ifPresent(AutoGemm::warmUp);
        }
    }

    /** {@code -Disthmus.warmup=false} turns background compilation off (the SIMD kernels check it the same way). */
    private static boolean warmupAllowed() {
        return !System.getProperty("isthmus.warmup", "true").trim().equals("false");
    }

    /** One mid-size product, C = A B on [256, 256] zeros, whose result is not used. */
    private static void firstBlasCall(Gemm blas) {
        int n = 256;
        float[] a = new float[n * n];
        float[] c = new float[n * n];
        blas.sgemm(false, false, n, n, n, 1f, a, 0, n, a, 0, n, 0f, c, 0, n);
    }

    /** The one-line description that was logged at startup. */
    public static String describe() {
        return Holder.SELECTION.description + ", " + Threads.count() + " thread" + (Threads.count() == 1 ? "" : "s")
                + ", backend " + Holder.SELECTION.backend.label();
    }

    public static Backend backend() {
        return Holder.SELECTION.backend;
    }

    /** The Vector API kernels, or empty when the module is absent (see {@link #simdUnavailableReason()}). */
    public static Optional<SimdKernels> simd() {
        return Optional.ofNullable(SimdHolder.SIMD.kernels);
    }

    public static String simdUnavailableReason() {
        return SimdHolder.SIMD.reason;
    }

    /** The OpenBLAS GEMM, or empty when OpenBLAS is absent (see {@link OpenBlas#unavailableReason()}). */
    public static Optional<Gemm> blasGemm() {
        return OpenBlas.instance().map(BlasGemm::new);
    }

    /** An implementation by name, unchecked, for tests and benchmarks; fails with the reason when unavailable. */
    public static Gemm gemm(Backend backend) {
        return switch (backend) {
            case REFERENCE -> new ReferenceGemm();
            case SIMD -> simd().map(SimdKernels::gemm).orElseThrow(() -> new IllegalStateException(
                    "isthmus: SIMD backend requested but unavailable: " + simdUnavailableReason()));
            case BLAS -> blasGemm().orElseThrow(() -> new IllegalStateException(
                    "isthmus: BLAS backend requested but unavailable: " + OpenBlas.unavailableReason()));
            case AUTO -> autoGemm();
        };
    }

    /**
     * The process's one {@link AutoGemm} when both SIMD and OpenBLAS are there (every caller sees
     * the same per-shape decisions), else whichever of them exists, else the reference.
     */
    private static Gemm autoGemm() {
        return AutoHolder.AUTO.map(Gemm.class::cast)
                .or(() -> simd().map(SimdKernels::gemm))
                .or(Kernels::blasGemm)
                .orElseGet(ReferenceGemm::new);
    }

    /** The shared {@link AutoGemm}, or empty when SIMD or OpenBLAS is missing (auto then has nothing to choose). */
    public static Optional<AutoGemm> autoGemmInstance() {
        return AutoHolder.AUTO;
    }

    private static final class AutoHolder {
        static final Optional<AutoGemm> AUTO = createAuto();

        private static Optional<AutoGemm> createAuto() {
            Optional<SimdKernels> simd = simd();
            Optional<OpenBlas> blas = OpenBlas.instance();
            if (simd.isEmpty() || blas.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(AutoGemm.persistent(simd.get().gemm(), simd.get().vectorGemm(), new BlasGemm(blas.get()),
                    simd.get().vectorBits(), blas.get().config(), blas.get().coreName()));
        }
    }

    private record Selection(Backend backend, Gemm gemm, Elementwise elementwise, String description) {
    }

    private record SimdLoad(SimdKernels kernels, String reason) {
    }

    private static final class SimdHolder {
        static final SimdLoad SIMD = loadSimd();
    }

    private static final class Holder {
        static final Selection SELECTION = select();
    }

    private static SimdLoad loadSimd() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return new SimdLoad(null, "the Vector API module is not loaded "
                    + "(launch the JVM with --add-modules jdk.incubator.vector)");
        }
        try {
            Class<?> type = Class.forName(SIMD_CLASS);
            return new SimdLoad((SimdKernels) type.getConstructor().newInstance(), null);
        } catch (ReflectiveOperationException | LinkageError e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return new SimdLoad(null, "the Vector API kernels could not start: " + cause);
        }
    }

    private static Selection select() {
        String text = System.getProperty(Backend.PROPERTY, "auto");
        Backend backend = Backend.parse(text);
        Gemm gemm = gemm(backend);
        Elementwise elementwise = backend == Backend.REFERENCE
                ? new ScalarElementwise()
                : simd().map(SimdKernels::elementwise).orElseGet(ScalarElementwise::new);
        StringBuilder line = new StringBuilder("isthmus: ");
        simd().ifPresentOrElse(
                s -> line.append("SIMD ").append(s.vectorBits()).append("-bit (").append(s.speciesReason()).append(")"),
                () -> line.append("no SIMD (").append(simdUnavailableReason()).append(")"));
        line.append(", ");
        OpenBlas.instance().ifPresentOrElse(
                b -> line.append(b).append(" via Panama"),
                () -> line.append("no OpenBLAS (").append(OpenBlas.unavailableReason()).append(")"));
        String description = line.toString();
        LOG.log(System.Logger.Level.INFO, description + ", " + Threads.count() + " thread" + (Threads.count() == 1 ? "" : "s")
                + ", backend " + backend.label() + ", GEMM " + gemm.name());
        return new Selection(backend, new CheckedGemm(gemm), elementwise, description);
    }
}
