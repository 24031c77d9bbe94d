package io.isthmus.bench;

import io.isthmus.kernels.Threads;
import io.isthmus.nn.GRU;
import io.isthmus.nn.LSTM;
import io.isthmus.nn.RecurrentLayer;
import io.isthmus.tensor.GradMode;
import io.isthmus.tensor.Tensor;
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
 * W3 (the twin of {@code ../shared/anchors/pytorch/w3_rnn.py}): one LSTM or GRU layer through
 * the modules and autograd, T 50, B 64, I 128, H 256, time-major x [50, 64, 128], zero initial
 * state, fp32:
 * <ul>
 *   <li>{@code mode}: fwd = {@code rnn.forward(x)} without a graph; fwdbwd = the parameters'
 *       and x's gradients cleared, {@code rnn.forward(x)}, then {@code output.backward(g)} for a
 *       fixed random g [50, 64, 256] (weight, bias and input gradients);</li>
 *   <li>{@code threads}: the kernels' thread budget (GEMMs split themselves across it).</li>
 * </ul>
 * FLOPs counted as in w3_rnn.py (the gate matmuls only): LSTM fwd 2 T B 4H (I + H) = 2.517
 * GFLOP, GRU 1.887 GFLOP; fwdbwd 3x.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.VECTOR, JvmFlags.NATIVE, JvmFlags.ONE_LINE_LOG})
public class RnnBenchmark {

    static final int T = 50;
    static final int B = 64;
    static final int I = 128;
    static final int H = 256;

    @Param({"LSTM", "GRU"})
    public String cell;

    @Param({"fwd", "fwdbwd"})
    public String mode;

    @Param({"1", "2"})
    public int threads;

    private RecurrentLayer rnn;
    private Tensor x;
    private float[] g;
    private boolean backward;

    @Setup(Level.Trial)
    public void setUp() {
        Threads.set(threads);
        SplittableRandom random = new SplittableRandom(0);
        rnn = switch (cell) {
            case "LSTM" -> LSTM.builder(I, H).random(random).build();
            case "GRU" -> GRU.builder(I, H).random(random).build();
            default -> throw new IllegalArgumentException("cell must be LSTM or GRU, got " + cell);
        };
        backward = switch (mode) {
            case "fwd" -> false;
            case "fwdbwd" -> true;
            default -> throw new IllegalArgumentException("mode must be fwd or fwdbwd, got " + mode);
        };
        x = Tensor.uniform(random, -1f, 1f, T, B, I).requiresGrad(backward);
        g = Tensor.uniform(random, -1f, 1f, T, B, H).data();
    }

    private Tensor output(Tensor input) {
        return rnn instanceof LSTM lstm ? lstm.forward(input).output() : ((GRU) rnn).forward(input).output();
    }

    @Benchmark
    public Tensor step() {
        if (!backward) {
            try (GradMode.Scope ignored = GradMode.noGrad()) {
                return output(x);
            }
        }
        rnn.zeroGrad();
        x.clearGrad();
        Tensor out = output(x);
        out.backward(g);
        return out;
    }
}
