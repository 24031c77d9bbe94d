package io.isthmus.train;

import io.isthmus.data.DataLoader;
import io.isthmus.data.Dataset;
import io.isthmus.data.TensorDataset;
import io.isthmus.kernels.Threads;
import io.isthmus.nn.Module;
import io.isthmus.tensor.AnyTensor;
import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Tensor;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/** Small data sets, loaders and helpers shared by the training tests. */
final class TrainFixtures {

    private TrainFixtures() {
    }

    /**
     * {@code n} samples of {@code classes} Gaussian blobs in {@code dim} dimensions: class k is
     * centred at 2 on axis k (mod dim), with standard deviation {@code noise}. Inputs [n, dim]; targets
     * [n] class indices (an IndexTensor).
     */
    static TensorDataset blobs(int n, int dim, int classes, double noise, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[n * dim];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int k = i % classes;
            y[i] = k;
            for (int d = 0; d < dim; d++) {
                double centre = d == k % dim ? (k < dim ? 2 : -2) : 0;
                x[i * dim + d] = (float) (centre + noise * random.nextGaussian());
            }
        }
        return TensorDataset.of(Tensor.of(x, n, dim), IndexTensor.of(y, n));
    }

    static DataLoader loader(Dataset data, int batchSize, boolean shuffle, long seed) {
        return DataLoader.builder(data).batchSize(batchSize).shuffle(shuffle).seed(seed).build();
    }

    /** Copies of every state-dict entry, by name. */
    static Map<String, float[]> snapshot(Module model) {
        Map<String, float[]> copy = new LinkedHashMap<>();
        model.stateDict().forEach((name, t) -> copy.put(name, t.data().clone()));
        return copy;
    }

    /** All state-dict values concatenated, in state-dict order. */
    static float[] flatState(Module model) {
        int n = 0;
        for (Tensor t : model.stateDict().values()) {
            n += t.numel();
        }
        float[] all = new float[n];
        int at = 0;
        for (Tensor t : model.stateDict().values()) {
            System.arraycopy(t.data(), 0, all, at, t.numel());
            at += t.numel();
        }
        return all;
    }

    /** Runs {@code body} with kernels on one thread (bit-exact comparisons), restoring the thread count. */
    static <T> T singleThreaded(Supplier<T> body) {
        int before = Threads.count();
        Threads.set(1);
        try {
            return body.get();
        } finally {
            Threads.set(before);
        }
    }

    /** A print stream that collects what is printed, for checking callback messages. */
    static final class Captured {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        String text() {
            stream.flush();
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    /**
     * A metric whose value in epoch k is {@code values[k]} (the last one after that), so callbacks
     * can be driven through a scripted sequence while the model really trains. Pass it to the
     * trainer both as a metric and as a callback: the callback side learns the epoch. Being
     * keyed by the epoch number, it gives the same sequence in a resumed run.
     */
    static final class ScriptedMetric implements Metric, Callback {
        private final String name;
        private double[] values;
        private int epoch;

        ScriptedMetric(String name, double... values) {
            this.name = name;
            this.values = values;
        }

        /** Replaces the sequence. */
        void script(double... newValues) {
            this.values = newValues;
        }

        @Override
        public void onEpochBegin(Trainer trainer, int epoch) {
            this.epoch = epoch;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void update(Tensor output, AnyTensor target) {
        }

        @Override
        public double result() {
            return values[Math.min(epoch, values.length - 1)];
        }

        @Override
        public void reset() {
        }
    }
}
