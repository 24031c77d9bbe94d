package io.isthmus.kernels.gemm;

import io.isthmus.kernels.Backend;
import io.isthmus.kernels.Kernels;
import io.isthmus.kernels.SimdKernels;
import io.isthmus.kernels.Threads;
import io.isthmus.nativeblas.OpenBlas;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every GEMM implementation against {@link ReferenceGemm} on awkward shapes: sizes that are not
 * multiples of any tile or vector width, all four transpose combinations, alpha/beta other than
 * 1/0, beta == 0 over a NaN-filled C, non-zero offsets, leading dimensions past the row, sizes
 * that cross the cache blocks; and everything in C outside the target must stay untouched.
 *
 * <p>Error bound: each c[i, j] is a sum of k products, and any summation order (blocked, FMA,
 * SIMD lanes) stays within the classic bound gamma_n = n u / (1 - n u), u = 2^-24, of the sum of
 * absolute terms; alpha and beta add two more roundings. So we assert
 * {@code |c - ref| <= gamma_(k+2) * (|alpha| * sum_p |a_ip| |b_pj| + |beta| |c0_ij|) + 1e-6}
 * (the 1e-6 absorbs rounding of results that are themselves near zero).
 */
class GemmCorrectnessTest {

    private static final int[] SIZES = {1, 2, 7, 17, 33, 64, 127, 130};
    private static final float SENTINEL = 12345.5f;
    private static final float[][] ALPHA_BETA = {{1f, 0f}, {-1.5f, 0.75f}, {0.5f, 1f}, {2f, 0f}};

    record Shape(int m, int n, int k) {
        @Override
        public String toString() {
            return m + "x" + n + "x" + k;
        }
    }

    /** ~150 seeded triples from SIZES^3, its diagonal, and shapes that cross cache blocks and paths. */
    static List<Shape> shapes() {
        List<Shape> shapes = new ArrayList<>();
        for (int s : SIZES) {
            shapes.add(new Shape(s, s, s));
        }
        Random random = new Random(20240611L);
        for (int i = 0; i < 150; i++) {
            shapes.add(new Shape(SIZES[random.nextInt(SIZES.length)], SIZES[random.nextInt(SIZES.length)],
                    SIZES[random.nextInt(SIZES.length)]));
        }
        // Above SimdGemm's two-thread threshold (m * n * k >= 2^22): split along m, then along n.
        shapes.add(new Shape(300, 257, 129));
        shapes.add(new Shape(403, 70, 530));     // m past one row block, k past two k slices
        shapes.add(new Shape(40, 700, 320));     // wide C: split along n
        shapes.add(new Shape(45, 300, 600));     // wide C: packed A, several k slices
        shapes.add(new Shape(2000, 27, 32));     // skinny: A read in place (one thread)
        shapes.add(new Shape(3000, 27, 64));     // the same, split along m
        shapes.add(new Shape(5, 4200, 3));       // n past one column block
        shapes.add(new Shape(255, 256, 64));     // just below the two-thread threshold (2^22)
        shapes.add(new Shape(16, 8, 32768));     // at it: two row stripes of one tile each, 128 k slices
        shapes.add(new Shape(8, 4096, 128));     // at it, wide: split along n
        shapes.add(new Shape(24, 100, 784));     // k cut into equal slices (4 x 196)
        return shapes;
    }

    static Stream<Arguments> implementationsAndThreads() {
        List<Arguments> cases = new ArrayList<>();
        for (String name : List.of("reference", "simd", "simd-vector", "blas", "auto", "checked")) {
            for (int threads : new int[] {1, 2}) {
                cases.add(Arguments.of(name, threads));
            }
        }
        return cases.stream();
    }

    /** The implementation, or a skip (never a failure) with the reason it is unavailable. */
    private static Gemm implementation(String name) {
        Supplier<String> simdMissing = () -> "SIMD unavailable: " + Kernels.simdUnavailableReason();
        Supplier<String> blasMissing = () -> "OpenBLAS unavailable: " + OpenBlas.unavailableReason();
        return switch (name) {
            case "reference" -> new ReferenceGemm();
            case "simd" -> available(Kernels.simd().map(SimdKernels::gemm), simdMissing);
            // the vector tile even before it is compiled ("simd" may run the twin until then)
            case "simd-vector" -> available(Kernels.simd().map(SimdKernels::vectorGemm), simdMissing);
            case "blas" -> available(Kernels.blasGemm(), blasMissing);
            case "auto" -> {
                available(Kernels.simd().map(SimdKernels::gemm), simdMissing);
                available(Kernels.blasGemm(), blasMissing);
                yield Kernels.gemm(Backend.AUTO);
            }
            case "checked" -> Kernels.gemm();
            default -> throw new IllegalArgumentException(name);
        };
    }

    private static Gemm available(Optional<Gemm> gemm, Supplier<String> reason) {
        if (gemm.isEmpty()) {
            System.out.println("skipped: " + reason.get());
        }
        Assumptions.assumeTrue(gemm.isPresent(), reason);
        return gemm.get();
    }

    @ParameterizedTest(name = "{0}, {1} thread(s)")
    @MethodSource("implementationsAndThreads")
    void matchesReference(String name, int threads) {
        Gemm gemm = implementation(name);
        int saved = Threads.count();
        Threads.set(threads);
        try {
            List<String> failures = new ArrayList<>();
            Random random = new Random(7L * threads + name.hashCode());
            int variant = 0;
            for (Shape shape : shapes()) {
                for (int t = 0; t < 4; t++) {
                    float[] ab = ALPHA_BETA[variant++ % ALPHA_BETA.length];
                    String failure = check(gemm, (t & 1) != 0, (t & 2) != 0, shape, ab[0], ab[1], random);
                    if (failure != null) {
                        failures.add(failure);
                    }
                }
            }
            assertTrue(failures.isEmpty(), () -> name + " with " + threads + " thread(s) failed "
                    + failures.size() + " cases, e.g.\n" + String.join("\n", failures.subList(0, Math.min(8, failures.size()))));
        } finally {
            Threads.set(saved);
        }
    }

    /** One case; returns a description of the first wrong element, or null. */
    private static String check(Gemm gemm, boolean transA, boolean transB, Shape shape, float alpha, float beta,
                                Random random) {
        int m = shape.m();
        int n = shape.n();
        int k = shape.k();
        int aRows = transA ? k : m;
        int aCols = transA ? m : k;
        int bRows = transB ? n : k;
        int bCols = transB ? k : n;
        int lda = aCols + random.nextInt(3);
        int ldb = bCols + random.nextInt(3);
        int ldc = n + random.nextInt(3);
        int aOff = random.nextInt(5);
        int bOff = random.nextInt(5);
        int cOff = random.nextInt(5);
        float[] a = filled(random, aOff + (aRows - 1) * lda + aCols + random.nextInt(3));
        float[] b = filled(random, bOff + (bRows - 1) * ldb + bCols + random.nextInt(3));
        float[] c = new float[cOff + (m - 1) * ldc + n + random.nextInt(3)];
        java.util.Arrays.fill(c, SENTINEL);
        float[] c0 = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                // beta == 0: C must not be read, so NaN there must not reach the result.
                float v = beta == 0f ? Float.NaN : random.nextFloat() * 2 - 1;
                c0[i * n + j] = v;
                c[cOff + i * ldc + j] = v;
            }
        }
        float[] expected = c.clone();
        new ReferenceGemm().sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, expected, cOff, ldc);
        gemm.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);

        String where = gemm.name() + " " + shape + " transA=" + transA + " transB=" + transB + " alpha=" + alpha
                + " beta=" + beta + " offsets=" + aOff + "/" + bOff + "/" + cOff + " ld=" + lda + "/" + ldb + "/" + ldc;
        double gamma = gamma(k + 2);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double absSum = 0;
                for (int p = 0; p < k; p++) {
                    float aip = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float bpj = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    absSum += Math.abs((double) aip * bpj);
                }
                double prior = beta == 0f ? 0 : Math.abs(beta * c0[i * n + j]);
                double bound = gamma * (Math.abs(alpha) * absSum + prior) + 1e-6;
                int ci = cOff + i * ldc + j;
                double error = Math.abs((double) c[ci] - expected[ci]);
                if (!(error <= bound)) {
                    return where + ": c[" + i + ", " + j + "] = " + c[ci] + ", reference " + expected[ci]
                            + ", error " + error + " > bound " + bound;
                }
                c[ci] = SENTINEL;
            }
        }
        for (int x = 0; x < c.length; x++) {
            if (c[x] != SENTINEL) {
                return where + ": element " + x + " outside the target of C changed to " + c[x];
            }
        }
        return null;
    }

    private static double gamma(int terms) {
        double u = Math.scalb(1.0, -24);
        return terms * u / (1 - terms * u);
    }

    private static float[] filled(Random random, int length) {
        float[] values = new float[length];
        for (int i = 0; i < length; i++) {
            values[i] = random.nextFloat() * 2 - 1;
        }
        return values;
    }
}
