package io.isthmus.bench;

import io.isthmus.kernels.Threads;
import io.isthmus.loss.CrossEntropyLoss;
import io.isthmus.nn.Embedding;
import io.isthmus.nn.LSTM;
import io.isthmus.nn.Linear;
import io.isthmus.optim.Adam;
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

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One training step of the W7 character LSTM ({@code w7_char_lstm.py}, the {@code char-lm}
 * trainer's default): Embedding(65, 64) -> LSTM(64, 256) -> Linear(256, 65) on 64 windows of 100
 * characters, time-major, zero initial state; zero grad, forward, mean cross-entropy over the
 * 6,400 predictions, backward, Adam (lr 2e-3). Characters per second = 6,400 / step time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.VECTOR, JvmFlags.NATIVE, JvmFlags.ONE_LINE_LOG})
public class CharLstmTrainStepBenchmark {

    private static final int VOCABULARY = 65;
    private static final int EMBEDDING = 64;
    private static final int HIDDEN = 256;
    private static final int STEPS = 100;
    private static final int BATCH = 64;

    @Param({"1", "2"})
    public int threads;

    private Embedding embedding;
    private LSTM lstm;
    private Linear out;
    private Adam optimizer;
    private CrossEntropyLoss loss;
    private IndexTensor inputs;
    private IndexTensor targets;

    @Setup(Level.Trial)
    public void setUp() {
        Threads.set(threads);
        Seeds.set(42);
        embedding = new Embedding(VOCABULARY, EMBEDDING);
        lstm = new LSTM(EMBEDDING, HIDDEN);
        out = new Linear(HIDDEN, VOCABULARY);
        List<Tensor> parameters = new ArrayList<>(embedding.parameters());
        parameters.addAll(lstm.parameters());
        parameters.addAll(out.parameters());
        optimizer = new Adam(parameters, 2e-3);
        loss = new CrossEntropyLoss();
        SplittableRandom random = new SplittableRandom(7);
        int[] ids = new int[STEPS * BATCH];
        int[] next = new int[STEPS * BATCH];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = random.nextInt(VOCABULARY);
            next[i] = random.nextInt(VOCABULARY);
        }
        inputs = IndexTensor.of(ids, STEPS, BATCH);
        targets = IndexTensor.of(next, STEPS * BATCH);
    }

    @Benchmark
    public float trainStep() {
        optimizer.zeroGrad(false);
        Tensor logits = out.forward(lstm.forward(embedding.forward(inputs)).output());
        Tensor value = loss.forward(logits.reshape(STEPS * BATCH, VOCABULARY), targets);
        value.backward();
        optimizer.step();
        return value.item();
    }
}
