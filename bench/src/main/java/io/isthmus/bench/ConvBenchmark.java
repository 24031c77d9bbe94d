package io.isthmus.bench;

import io.isthmus.kernels.Threads;
import io.isthmus.kernels.conv.Conv2dKernel;
import io.isthmus.kernels.conv.Conv2dShape;
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
 * One 2-D convolution layer of the W2 CIFAR net, on the conv kernels directly (arrays allocated
 * once; through autograd a step also allocates y and recycles the gradient buffers):
 * <ul>
 *   <li>{@code shape}: conv1 = N 64, 3 -> 32 channels, 32x32; conv2 = N 64, 32 -> 64 channels,
 *       16x16; both 3x3, stride 1, padding 1, with bias;</li>
 *   <li>{@code mode}: fwd = y = conv(x, W) + b; fwdbwd = that, then dx, dW and db from a fixed
 *       dy; fwdbwd_nodx = that without dx (a first layer, whose input needs no gradient);</li>
 *   <li>{@code impl}: fast (im2col + GEMM, the batch split across threads) or scalar (the
 *       seven-loop reference twin).</li>
 * </ul>
 * Multiply-adds per op: conv1 57M forward (x3 for fwdbwd), conv2 302M.
 *
 * <p>The scalar twin is only meaningful at one size: it never uses more than the calling thread
 * (its threads=2 cells repeat threads=1) and runs about two orders of magnitude slower (around
 * a second per conv2 fwdbwd), so measure it once as the baseline, e.g.
 * {@code -p impl=scalar -p threads=1 -p shape=conv1}, and compare the fast path across the rest.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.VECTOR, JvmFlags.NATIVE, JvmFlags.ONE_LINE_LOG})
public class ConvBenchmark {

    @Param({"conv1", "conv2"})
    public String shape;

    @Param({"fwd", "fwdbwd", "fwdbwd_nodx"})
    public String mode;

    @Param({"1", "2"})
    public int threads;

    @Param({"fast", "scalar"})
    public String impl;

    private Conv2dKernel kernel;
    private Conv2dShape s;
    private boolean backward;
    private boolean dataGradient;
    private float[] x;
    private float[] w;
    private float[] b;
    private float[] y;
    private float[] dy;
    private float[] dx;
    private float[] dw;
    private float[] db;

    @Setup(Level.Trial)
    public void setUp() {
        Threads.set(threads);
        kernel = switch (impl) {
            case "fast" -> Conv2dKernel.fast();
            case "scalar" -> Conv2dKernel.scalar();
            default -> throw new IllegalArgumentException("impl must be fast or scalar, got " + impl);
        };
        s = switch (shape) {
            case "conv1" -> Conv2dShape.of(64, 3, 32, 32, 32, 3, 1, 1, 1, 1);
            case "conv2" -> Conv2dShape.of(64, 32, 16, 16, 64, 3, 1, 1, 1, 1);
            default -> throw new IllegalArgumentException("shape must be conv1 or conv2, got " + shape);
        };
        switch (mode) {
            case "fwd" -> {
                backward = false;
                dataGradient = false;
            }
            case "fwdbwd" -> {
                backward = true;
                dataGradient = true;
            }
            case "fwdbwd_nodx" -> {
                backward = true;
                dataGradient = false;
            }
            default -> throw new IllegalArgumentException("mode must be fwd, fwdbwd or fwdbwd_nodx, got " + mode);
        }
        SplittableRandom random = new SplittableRandom(42);
        x = randomArray(random, s.inputSize());
        w = randomArray(random, s.weightSize());
        b = randomArray(random, s.outChannels());
        dy = randomArray(random, s.outputSize());
        y = new float[s.outputSize()];
        dx = new float[s.inputSize()];
        dw = new float[s.weightSize()];
        db = new float[s.outChannels()];
    }

    private static float[] randomArray(SplittableRandom random, int length) {
        float[] values = new float[length];
        for (int i = 0; i < length; i++) {
            values[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return values;
    }

    @Benchmark
    public float[] conv() {
        kernel.forward(s, x, w, b, y);
        if (backward) {
            kernel.backward(s, x, w, dy, dataGradient ? dx : null, dw, db);
        }
        return y;
    }
}
