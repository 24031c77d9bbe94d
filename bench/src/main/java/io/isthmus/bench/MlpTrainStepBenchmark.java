package io.isthmus.bench;

import io.isthmus.kernels.Threads;
import io.isthmus.loss.CrossEntropyLoss;
import io.isthmus.nn.Linear;
import io.isthmus.nn.ReLU;
import io.isthmus.tensor.Seeds;
import io.isthmus.nn.Sequential;
import io.isthmus.optim.Adam;
import io.isthmus.tensor.IndexTensor;
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
 * One full training step of the 784-128-10 MLP the {@code mlp} example trains: zero grad,
 * forward, cross-entropy, backward, Adam step, on a fixed random batch (pixels in [0, 1), as
 * MNIST's, with random labels). An epoch of 60,000 images is 60000 / batch such steps plus
 * the data loading.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.VECTOR, JvmFlags.NATIVE, JvmFlags.ONE_LINE_LOG})
public class MlpTrainStepBenchmark {

    private static final int FEATURES = 784;
    private static final int HIDDEN = 128;
    private static final int CLASSES = 10;

    @Param({"32", "128"})
    public int batch;

    @Param({"1", "2"})
    public int threads;

    private Sequential model;
    private Adam optimizer;
    private CrossEntropyLoss loss;
    private Tensor inputs;
    private IndexTensor targets;

    @Setup(Level.Trial)
    public void setUp() {
        Threads.set(threads);
        Seeds.set(42);
        model = new Sequential(new Linear(FEATURES, HIDDEN), new ReLU(), new Linear(HIDDEN, CLASSES));
        optimizer = new Adam(model.parameters(), 1e-3);
        loss = new CrossEntropyLoss();
        SplittableRandom random = new SplittableRandom(7);
        float[] pixels = new float[batch * FEATURES];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) random.nextDouble();
        }
        int[] labels = new int[batch];
        for (int i = 0; i < batch; i++) {
            labels[i] = random.nextInt(CLASSES);
        }
        inputs = Tensor.of(pixels, batch, FEATURES);
        targets = IndexTensor.of(labels, batch);
    }

    @Benchmark
    public float trainStep() {
        optimizer.zeroGrad(false);
        Tensor value = loss.forward(model.forward(inputs), targets);
        value.backward();
        optimizer.step();
        return value.item();
    }
}
