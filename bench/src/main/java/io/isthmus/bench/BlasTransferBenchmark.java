package io.isthmus.bench;

import io.isthmus.nativeblas.OpenBlas;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Should long OpenBLAS calls copy heap arrays off the heap instead of holding the GC with a
 * critical call? {@code heapCritical} passes the float[] zero copy (what BlasGemm does);
 * {@code offHeapCopy} copies A and B into native memory, calls, and copies C back.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.VECTOR, JvmFlags.NATIVE, JvmFlags.ONE_LINE_LOG})
public class BlasTransferBenchmark {

    @Param({"64", "256", "1024", "2048"})
    public int n;

    private OpenBlas blas;
    private float[] a;
    private float[] b;
    private float[] c;
    private Arena arena;
    private MemorySegment nativeA;
    private MemorySegment nativeB;
    private MemorySegment nativeC;

    @Setup(Level.Trial)
    public void setUp() {
        blas = OpenBlas.instance().orElseThrow(() -> new IllegalStateException(
                "BlasTransferBenchmark needs OpenBLAS: " + OpenBlas.unavailableReason()));
        blas.setNumThreads(1);
        SplittableRandom random = new SplittableRandom(7);
        a = new float[n * n];
        b = new float[n * n];
        c = new float[n * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) random.nextDouble();
            b[i] = (float) random.nextDouble();
        }
        arena = Arena.ofShared();
        long bytes = (long) n * n * Float.BYTES;
        nativeA = arena.allocate(bytes, 64);
        nativeB = arena.allocate(bytes, 64);
        nativeC = arena.allocate(bytes, 64);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public float[] heapCritical() {
        blas.sgemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
        return c;
    }

    @Benchmark
    public float[] offHeapCopy() {
        MemorySegment.copy(a, 0, nativeA, ValueLayout.JAVA_FLOAT, 0, a.length);
        MemorySegment.copy(b, 0, nativeB, ValueLayout.JAVA_FLOAT, 0, b.length);
        blas.sgemm(false, false, n, n, n, 1f, nativeA, n, nativeB, n, 0f, nativeC, n);
        MemorySegment.copy(nativeC, ValueLayout.JAVA_FLOAT, 0, c, 0, c.length);
        return c;
    }
}
