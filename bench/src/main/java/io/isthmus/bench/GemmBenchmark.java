package io.isthmus.bench;

import io.isthmus.kernels.Backend;
import io.isthmus.kernels.Kernels;
import io.isthmus.kernels.Threads;
import io.isthmus.kernels.gemm.Gemm;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * C = op(A) * op(B) (alpha 1, beta 0) per implementation, shape (m x n x k), thread count and
 * layout: NN by default; NT is a Linear layer's forward {@code x W^T}, TN its weight gradient
 * {@code dy^T x} ({@code -p layout=NT,TN}). GFLOPS = 2 M K N / time; {@code bench/gemm-table.py}
 * turns JMH's JSON into the README table. For {@code auto}, the setup decides the shape's class
 * first ({@code AutoGemm.prepare}) and prints the decision.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.VECTOR, JvmFlags.NATIVE, JvmFlags.ONE_LINE_LOG})
public class GemmBenchmark {

    @Param({"reference", "simd", "blas", "auto"})
    public String impl;

    @Param({"64", "128", "256", "512", "1024", "2048", "128x784x256", "64x256x1024", "65536x27x32"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    /** Whether A and B are transposed: NN, NT, TN or TT. */
    @Param({"NN"})
    public String layout;

    private Gemm gemm;
    private GemmShape size;
    private float[] a;
    private float[] b;
    private float[] c;
    private boolean transA;
    private boolean transB;

    @Setup(Level.Trial)
    public void setUp() {
        Threads.set(threads);
        gemm = Kernels.gemm(Backend.parse(impl));
        size = GemmShape.parse(shape);
        if (!layout.matches("[NT][NT]")) {
            throw new IllegalArgumentException("layout must be NN, NT, TN or TT, got " + layout);
        }
        transA = layout.charAt(0) == 'T';
        transB = layout.charAt(1) == 'T';
        SplittableRandom random = new SplittableRandom(42);
        a = randomArray(random, size.m() * size.k());
        b = randomArray(random, size.k() * size.n());
        c = new float[size.m() * size.n()];
        if (impl.equals("simd") || impl.equals("auto")) {
            // The SIMD GEMM runs its plain-loop twin until its vector tile is compiled: time the tile.
            Kernels.simd().ifPresent(simd -> simd.vectorGemm().awaitCompiled(Duration.ofSeconds(30).toNanos()));
        }
        if (impl.equals("auto")) {
            // Auto's steady state: its choice for this shape timed on a compiled, quiet JVM (or taken
            // from the decision file), as a long run gets it; without this, a fork whose decision
            // file lacks the shape would run it provisionally on OpenBLAS (see AutoGemm).
            Kernels.autoGemmInstance().ifPresent(auto -> auto
                    .prepare(transA, transB, size.m(), size.n(), size.k(), Duration.ofSeconds(30))
                    .ifPresent(decision -> System.out.println("auto: " + decision)));
        }
    }

    private static float[] randomArray(SplittableRandom random, int length) {
        float[] values = new float[length];
        for (int i = 0; i < length; i++) {
            values[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return values;
    }

    @Benchmark
    public float[] sgemm() {
        // A is stored [m, k] or, transposed, [k, m]; B [k, n] or [n, k].
        gemm.sgemm(transA, transB, size.m(), size.n(), size.k(), 1f, a, 0, transA ? size.m() : size.k(),
                b, 0, transB ? size.k() : size.n(), 0f, c, 0, size.n());
        return c;
    }
}
