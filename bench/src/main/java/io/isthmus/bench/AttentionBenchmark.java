package io.isthmus.bench;

import io.isthmus.kernels.Threads;
import io.isthmus.nn.MhaOptions;
import io.isthmus.nn.MultiheadAttention;
import io.isthmus.ops.Arithmetic;
import io.isthmus.ops.Attention;
import io.isthmus.ops.AttentionMask;
import io.isthmus.ops.Masking;
import io.isthmus.ops.Masks;
import io.isthmus.ops.MatMul;
import io.isthmus.ops.Softmax;
import io.isthmus.tensor.GradMode;
import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Seeds;
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
 * W4 (the twin of {@code ../shared/anchors/pytorch/w4_attention.py}): scaled dot-product
 * attention, B 8, h 8, d 64, T 256 (param {@code T}), fp32, q, k, v [B, h, T, d]:
 * <ul>
 *   <li>{@code impl}: fused = {@link Attention#scaledDotProduct}; composed = matmul(q, k^T),
 *       times 1/sqrt(d), masked fill of the upper triangle with -infinity when causal, softmax,
 *       matmul with v, each an autograd node holding its [B, h, T, T] result; mha =
 *       {@link MultiheadAttention} (E 512, 8 heads, batch_first, biases) on x [B, T, 512] as
 *       query, key and value (W4's second case: the projections, the fused attention, the output
 *       projection; fwd in eval mode, fwdbwd with every parameter's gradient);</li>
 *   <li>{@code causal}: the causal mask or none;</li>
 *   <li>{@link #fwd}: without a graph; {@link #fwdbwd}: q, k, v gradients cleared, forward,
 *       backward of a fixed random g [B, h, T, d];</li>
 *   <li>{@code threads}: the kernels' thread budget.</li>
 * </ul>
 * Memory: run with {@code -prof gc -p T=256,1024,4096} and read gc.alloc.rate.norm (bytes/op):
 * the fused forward allocates its output and the log-sum-exp, O(B h T d), so it grows linearly
 * in T; the composed one allocates the scores and probabilities, O(B h T^2).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.VECTOR, JvmFlags.NATIVE, JvmFlags.ONE_LINE_LOG})
public class AttentionBenchmark {

    static final int B = 8;
    static final int H = 8;
    static final int D = 64;

    @Param({"fused", "composed", "mha"})
    public String impl;

    @Param({"false", "true"})
    public boolean causal;

    @Param({"1", "2"})
    public int threads;

    @Param({"256"})
    public int T;

    private Tensor q;
    private Tensor k;
    private Tensor v;
    private float[] g;
    private IndexTensor upper;
    private boolean fused;
    private MultiheadAttention mha;
    private Tensor x;
    private float[] gx;

    @Setup(Level.Trial)
    public void setUp() {
        Threads.set(threads);
        fused = switch (impl) {
            case "fused", "mha" -> true;
            case "composed" -> false;
            default -> throw new IllegalArgumentException("impl must be fused, composed or mha, got " + impl);
        };
        SplittableRandom random = new SplittableRandom(0);
        if (impl.equals("mha")) {
            Seeds.set(0);
            mha = new MultiheadAttention(H * D, H, 0f, true, new SplittableRandom(1));
            x = Tensor.uniform(random, -1f, 1f, B, T, H * D).requiresGrad(true);
            gx = Tensor.uniform(random, -1f, 1f, B, T, H * D).data();
        }
        q = Tensor.uniform(random, -1f, 1f, B, H, T, D).requiresGrad(true);
        k = Tensor.uniform(random, -1f, 1f, B, H, T, D).requiresGrad(true);
        v = Tensor.uniform(random, -1f, 1f, B, H, T, D).requiresGrad(true);
        g = Tensor.uniform(random, -1f, 1f, B, H, T, D).data();
        // 1 strictly above the diagonal: the keys a causal query must not see
        upper = Masks.triu(T, T, 1);
    }

    private Tensor attention() {
        if (fused) {
            return Attention.scaledDotProduct(q, k, v, causal ? AttentionMask.CAUSAL : AttentionMask.NONE);
        }
        Tensor scores = Arithmetic.mulScalar(MatMul.matmul(q, false, k, true), (float) (1.0 / Math.sqrt(D)));
        if (causal) {
            scores = Masking.maskedFill(scores, upper, Float.NEGATIVE_INFINITY);
        }
        return MatMul.matmul(Softmax.softmax(scores, -1), v);
    }

    private Tensor selfAttention() {
        MhaOptions options = causal ? MhaOptions.NONE.withCausal(true) : MhaOptions.NONE;
        return mha.forward(x, x, x, options).output();
    }

    @Benchmark
    public Tensor fwd() {
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            if (mha != null) {
                mha.eval();
                return selfAttention();
            }
            return attention();
        }
    }

    @Benchmark
    public Tensor fwdbwd() {
        if (mha != null) {
            mha.train();
            mha.zeroGrad();
            x.clearGrad();
            Tensor out = selfAttention();
            out.backward(gx);
            return out;
        }
        q.clearGrad();
        k.clearGrad();
        v.clearGrad();
        Tensor out = attention();
        out.backward(g);
        return out;
    }
}
