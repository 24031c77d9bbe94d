package io.isthmus.examples;

import io.isthmus.kernels.Backend;
import io.isthmus.kernels.Kernels;
import io.isthmus.kernels.Threads;
import io.isthmus.kernels.gemm.Gemm;
import io.isthmus.kernels.gemm.ReferenceGemm;
import io.isthmus.nativeblas.OpenBlas;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * Prints which backends were found and a rough GFLOPS figure for each (wall clock, best of a
 * few runs; JMH in bench/ is the real measurement), after checking each against the reference.
 */
@Command(name = "gemm-demo", mixinStandardHelpOptions = true,
        description = "Show the backends Isthmus found and their GEMM speed.")
public final class GemmDemo implements Callable<Integer> {

    @Option(names = "--size", description = "square matrix size n (default: ${DEFAULT-VALUE})")
    int size = 1024;

    @Option(names = "--threads", description = "threads (default: all cores)")
    Integer threads;

    @Override
    public Integer call() {
        if (threads != null) {
            Threads.set(threads);
        }
        System.out.println("backends found:");
        System.out.println("  reference  scalar loops (always)");
        System.out.println("  simd       " + Kernels.simd()
                .map(simd -> "Vector API, " + simd.vectorBits() + "-bit lanes (" + simd.speciesReason() + ")")
                .orElse("unavailable: " + Kernels.simdUnavailableReason()));
        System.out.println("  blas       " + OpenBlas.instance()
                .map(blas -> blas + " from " + blas.libraryPath() + ", via Panama")
                .orElse("unavailable: " + OpenBlas.unavailableReason()));
        System.out.println("  auto       per shape, the faster of simd and blas; GEMM now uses " + Kernels.gemm().name()
                + ", " + Threads.count() + " thread(s)");
        List<Gemm> candidates = new ArrayList<>();
        candidates.add(new ReferenceGemm());
        // the vector tile, compiled first (the SIMD GEMM runs a plain-loop twin until it is)
        Kernels.simd().ifPresent(simd -> {
            simd.vectorGemm().awaitCompiled(30_000_000_000L);
            candidates.add(simd.vectorGemm());
        });
        Kernels.blasGemm().ifPresent(candidates::add);
        candidates.add(Kernels.gemm(Backend.AUTO));
        float maxError = 0;
        for (Gemm gemm : candidates) {
            maxError = Math.max(maxError, differenceFromReference(gemm));
        }
        System.out.printf("all backends agree with the reference on 97x131x67 (max |diff| %.2e)%n", maxError);
        for (Gemm gemm : candidates) {
            // The reference is slow: time it on a smaller problem.
            int n = gemm instanceof ReferenceGemm ? Math.min(size, 256) : size;
            System.out.printf("  %-9s %4d^3  %7.1f GFLOPS%n", gemm.name(), n, gflops(gemm, n));
        }
        return 0;
    }

    private static float differenceFromReference(Gemm gemm) {
        int m = 97;
        int k = 131;
        int n = 67;
        float[] a = random(m * k, 1);
        float[] b = random(k * n, 2);
        float[] expected = new float[m * n];
        float[] actual = new float[m * n];
        new ReferenceGemm().sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, expected, 0, n);
        gemm.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, actual, 0, n);
        float max = 0;
        for (int i = 0; i < expected.length; i++) {
            max = Math.max(max, Math.abs(expected[i] - actual[i]));
        }
        if (max > 1e-3f) {
            throw new IllegalStateException(gemm.name() + " GEMM differs from the reference by " + max);
        }
        return max;
    }

    private static double gflops(Gemm gemm, int n) {
        float[] a = random(n * n, 3);
        float[] b = random(n * n, 4);
        float[] c = new float[n * n];
        long best = Long.MAX_VALUE;
        long deadline = System.nanoTime() + 1_500_000_000L;
        // Until the deadline, not a fixed count: the SIMD kernels run interpreted (and slow) until
        // the JIT has seen enough calls, which at small sizes takes far more than a handful.
        for (int run = 0; run < 3 || System.nanoTime() < deadline; run++) {
            long start = System.nanoTime();
            gemm.sgemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
            best = Math.min(best, System.nanoTime() - start);
        }
        return 2.0 * n * n * n / best;
    }

    private static float[] random(int length, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[length];
        for (int i = 0; i < length; i++) {
            values[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return values;
    }
}
