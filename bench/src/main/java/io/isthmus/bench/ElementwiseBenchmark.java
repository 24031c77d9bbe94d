package io.isthmus.bench;

import io.isthmus.kernels.Kernels;
import io.isthmus.kernels.SimdKernels;
import io.isthmus.kernels.elementwise.Elementwise;
import io.isthmus.kernels.elementwise.ScalarElementwise;
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

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Representative elementwise kernels, scalar reference against SIMD, on n floats
 * (1024 fits L1, 65536 L2, 1M streams from memory). Softmax runs on rows of 128 and 1000
 * columns (n / cols rows). The SIMD kernels are the provider's ({@link Kernels#simd()}),
 * so they use the species it chose; the run fails if the provider has no SIMD elementwise.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
// Five warm-up seconds: the Vector API runs boxed until C2 has compiled a kernel, which took
// up to ~3 s of back-to-back calls here; shorter warm-ups time the interpreter, not the kernel.
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.VECTOR, JvmFlags.NATIVE, JvmFlags.ONE_LINE_LOG})
public class ElementwiseBenchmark {

    @Param({"scalar", "simd"})
    public String impl;

    @Param({"1024", "65536", "1048576"})
    public int n;

    private Elementwise kernels;
    private float[] x;
    private float[] y;
    private float[] out;
    private float[] param;
    private float[] grad;
    private float[] m;
    private float[] v;

    @Setup(Level.Trial)
    public void setUp() {
        kernels = switch (impl) {
            case "scalar" -> new ScalarElementwise();
            case "simd" -> Kernels.simd().map(SimdKernels::elementwise).filter(e -> e.name().equals("simd"))
                    .orElseThrow(() -> new IllegalStateException("no SIMD elementwise kernels: "
                            + Kernels.simd().map(s -> "the provider's elementwise() is " + s.elementwise().name())
                                    .orElse(Kernels.simdUnavailableReason())));
            default -> throw new IllegalArgumentException("impl must be scalar or simd, not " + impl);
        };
        SplittableRandom random = new SplittableRandom(42);
        x = randomArray(random, n, 8);
        y = randomArray(random, n, 8);
        out = new float[n];
        param = randomArray(random, n, 1);
        grad = randomArray(random, n, 1e-2);
        m = new float[n];
        v = new float[n];
    }

    private static float[] randomArray(SplittableRandom random, int length, double scale) {
        float[] values = new float[length];
        for (int i = 0; i < length; i++) {
            values[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
        }
        return values;
    }

    @Benchmark
    public float[] add() {
        kernels.add(x, 0, y, 0, out, 0, n);
        return out;
    }

    @Benchmark
    public float[] axpy() {
        // y drifts by x * 1e-7 per call; it stays far from overflow for any run length
        kernels.axpy(1e-7f, x, 0, y, 0, n);
        return y;
    }

    @Benchmark
    public float[] relu() {
        kernels.relu(x, 0, out, 0, n);
        return out;
    }

    @Benchmark
    public float[] sigmoid() {
        kernels.sigmoid(x, 0, out, 0, n);
        return out;
    }

    @Benchmark
    public float[] tanh() {
        kernels.tanh(x, 0, out, 0, n);
        return out;
    }

    @Benchmark
    public float[] gelu() {
        kernels.gelu(x, 0, out, 0, n);
        return out;
    }

    @Benchmark
    public float[] softmaxRows128() {
        kernels.softmaxRows(x, 0, out, 0, n / 128, 128);
        return out;
    }

    @Benchmark
    public float[] softmaxRows1000() {
        kernels.softmaxRows(x, 0, out, 0, n / 1000, 1000);
        return out;
    }

    @Benchmark
    public float sum() {
        return kernels.sum(x, 0, n);
    }

    @Benchmark
    public float[] adamUpdate() {
        kernels.adamUpdate(param, grad, m, v, 0, n, 1e-3f, 0.9f, 0.999f, 1e-8f, 1e-2f, true, 10);
        return param;
    }
}
