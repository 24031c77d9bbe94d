package io.isthmus.bench;

import io.isthmus.kernels.Threads;
import io.isthmus.loss.CrossEntropyLoss;
import io.isthmus.nn.Gpt;
import io.isthmus.optim.AdamW;
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
 * One W8 training step ({@code w8_tiny_gpt.py}) of the model the {@code gpt} example trains:
 * {@link Gpt} with V 65, context 128, d_model 128, 4 heads, 2 pre-norm blocks, MLP 512 (429,889
 * parameters); zero grad, forward on 32 windows of 128 random tokens, mean cross-entropy over
 * all 4,096 positions, backward, AdamW step (lr 1e-3, weight decay 0.01). Tokens per second is
 * 4,096 / the step time; W8's PyTorch figure is the median over windows of 10 steps.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.VECTOR, JvmFlags.NATIVE, JvmFlags.ONE_LINE_LOG})
public class GptTrainStepBenchmark {

    private static final int VOCABULARY = 65;
    private static final int CONTEXT = 128;

    @Param({"32"})
    public int batch;

    @Param({"1", "2"})
    public int threads;

    private Gpt model;
    private AdamW optimizer;
    private CrossEntropyLoss loss;
    private IndexTensor inputs;
    private IndexTensor targets;

    @Setup(Level.Trial)
    public void setUp() {
        Threads.set(threads);
        Seeds.set(0);
        model = new Gpt(VOCABULARY, CONTEXT, 128, 4, 2, 512, 0f);
        optimizer = AdamW.builder(1e-3).weightDecay(0.01).build(model.parameters());
        loss = new CrossEntropyLoss();
        SplittableRandom random = new SplittableRandom(7);
        int[] in = new int[batch * CONTEXT];
        int[] out = new int[batch * CONTEXT];
        for (int i = 0; i < in.length; i++) {
            in[i] = random.nextInt(VOCABULARY);
            out[i] = random.nextInt(VOCABULARY);
        }
        inputs = IndexTensor.of(in, batch, CONTEXT);
        targets = IndexTensor.of(out, batch * CONTEXT);
        model.train();
    }

    @Benchmark
    public float trainStep() {
        optimizer.zeroGrad(false);
        Tensor logits = model.forward(inputs);
        Tensor value = loss.forward(logits.reshape(batch * CONTEXT, VOCABULARY), targets);
        value.backward();
        optimizer.step();
        return value.item();
    }
}
