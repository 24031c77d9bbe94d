package io.isthmus.bench;

import io.isthmus.kernels.Threads;
import io.isthmus.loss.CrossEntropyLoss;
import io.isthmus.nn.Conv2d;
import io.isthmus.nn.Dropout;
import io.isthmus.nn.Flatten;
import io.isthmus.nn.Linear;
import io.isthmus.nn.MaxPool2d;
import io.isthmus.nn.ReLU;
import io.isthmus.nn.Sequential;
import io.isthmus.optim.Adam;
import io.isthmus.tensor.Seeds;
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
 * One training step of the W6 CNN the {@code cnn} example trains (as {@code w6_cnn_fmnist.py}):
 * conv 1→32 3x3, ReLU, max-pool 2, conv 32→64 3x3, ReLU, max-pool 2, flatten, linear 1600→128,
 * ReLU, dropout 0.5, linear 128→10; zero grad, forward, cross-entropy, backward, Adam step on a
 * fixed random batch of 28x28 images. An epoch of 60,000 images is 938 such steps at batch 64
 * plus the data loading.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.VECTOR, JvmFlags.NATIVE, JvmFlags.ONE_LINE_LOG})
public class CnnTrainStepBenchmark {

    private static final int SIDE = 28;
    private static final int CLASSES = 10;

    @Param({"64"})
    public int batch;

    @Param({"1", "2"})
    public int threads;

    private Sequential model;
    private Adam optimizer;
    private CrossEntropyLoss loss;
    private Tensor images;
    private IndexTensor targets;

    @Setup(Level.Trial)
    public void setUp() {
        Threads.set(threads);
        Seeds.set(42);
        model = new Sequential(
                new Conv2d(1, 32, 3), new ReLU(), new MaxPool2d(2),
                new Conv2d(32, 64, 3), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Linear(1600, 128), new ReLU(), new Dropout(0.5f),
                new Linear(128, CLASSES));
        optimizer = new Adam(model.parameters(), 1e-3);
        loss = new CrossEntropyLoss();
        SplittableRandom random = new SplittableRandom(7);
        float[] pixels = new float[batch * SIDE * SIDE];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) random.nextDouble();
        }
        int[] labels = new int[batch];
        for (int i = 0; i < batch; i++) {
            labels[i] = random.nextInt(CLASSES);
        }
        images = Tensor.of(pixels, batch, 1, SIDE, SIDE);
        targets = IndexTensor.of(labels, batch);
        model.train();
    }

    @Benchmark
    public float trainStep() {
        optimizer.zeroGrad(false);
        Tensor value = loss.forward(model.forward(images), targets);
        value.backward();
        optimizer.step();
        return value.item();
    }
}
