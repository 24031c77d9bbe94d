package io.isthmus.train;

import io.isthmus.data.Batch;
import io.isthmus.data.DataLoader;
import io.isthmus.loss.Loss;
import io.isthmus.nn.Module;
import io.isthmus.ops.ShapeOps;
import io.isthmus.optim.GradClip;
import io.isthmus.optim.LrScheduler;
import io.isthmus.optim.Optimizer;
import io.isthmus.tensor.GradMode;
import io.isthmus.tensor.Tensor;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keras-style training of a {@link Module}: {@link #fit}, {@link #evaluate}, {@link #predict},
 * with a loss, an optimizer, metrics, callbacks and a {@link History}. One training step is
 * zero grad, forward, loss, backward, optional clipping, optimizer step.
 */
public final class Trainer {

    private final Module model;
    private final Loss loss;
    private final Optimizer optimizer;
    private final List<Metric> metrics;
    private double clipNorm;
    private LrScheduler scheduler;
    private PrintStream logStream = System.out;
    private History history = new History();
    private int initialEpoch;
    private int epochs;
    private int batchesPerEpoch;
    private int lastEpoch = -1;
    private boolean stopRequested;

    public Trainer(Module model, Loss loss, Optimizer optimizer, Metric... metrics) {
        this.model = model;
        this.loss = loss;
        this.optimizer = optimizer;
        this.metrics = List.of(metrics);
    }

    /** Clips the global gradient norm to {@code maxNorm} before every step (0 turns it off). */
    public Trainer clipGradNorm(double maxNorm) {
        if (!(maxNorm >= 0)) {
            throw new IllegalArgumentException("maxNorm must be >= 0, got " + maxNorm);
        }
        this.clipNorm = maxNorm;
        return this;
    }

    /** Steps {@code lrScheduler} per batch or per epoch (its interval) during fit. */
    public Trainer scheduler(LrScheduler lrScheduler) {
        this.scheduler = lrScheduler;
        return this;
    }

    /** Where callbacks' messages go (default standard output). */
    public Trainer logTo(PrintStream stream) {
        this.logStream = stream;
        return this;
    }

    /**
     * Trains until epoch {@code epochs} (a total, as in Keras: after {@link #resume} it continues
     * from the checkpoint's epoch), validating after each epoch when {@code validation} is not null.
     * Callbacks run in the order given, except that {@link ModelCheckpoint}s run after the others.
     */
    public History fit(DataLoader train, int epochs, DataLoader validation, Callback... callbacks) {
        if (epochs < initialEpoch) {
            throw new IllegalArgumentException("epochs (" + epochs + ") is before the resumed epoch " + initialEpoch);
        }
        this.epochs = epochs;
        this.batchesPerEpoch = train.batchesPerEpoch();
        this.stopRequested = false;
        // Checkpoints are written after every other callback has had its say on an epoch, so they
        // hold what the next epoch starts from (say, a rate ReduceLROnPlateau has just lowered).
        List<Callback> hooks = new ArrayList<>(List.of(callbacks));
        hooks.sort(Comparator.comparing(c -> c instanceof ModelCheckpoint));
        hooks.forEach(c -> c.onTrainBegin(this));
        for (int epoch = initialEpoch; epoch < epochs && !stopRequested; epoch++) {
            int current = epoch;
            hooks.forEach(c -> c.onEpochBegin(this, current));
            Map<String, Double> logs = trainEpoch(train, epoch, hooks);
            if (validation != null) {
                long start = System.nanoTime();
                evaluate(validation).forEach((name, value) -> logs.put("val_" + name, value));
                logs.put("val_seconds", (System.nanoTime() - start) / 1e9);
            }
            if (scheduler != null && scheduler.interval() == LrScheduler.Interval.EPOCH) {
                scheduler.onEpochEnd();
            }
            lastEpoch = epoch;
            history.add(epoch, logs);
            initialEpoch = epoch + 1;
            hooks.forEach(c -> c.onEpochEnd(this, current, logs));
        }
        hooks.forEach(c -> c.onTrainEnd(this));
        return history;
    }

    private Map<String, Double> trainEpoch(DataLoader train, int epoch, List<Callback> hooks) {
        model.train();
        metrics.forEach(Metric::reset);
        double lossSum = 0;
        long samples = 0;
        double lr = optimizer.lr();
        long start = System.nanoTime();
        int batchIndex = 0;
        try (DataLoader.Batches batches = train.epoch(epoch)) {
            while (batches.hasNext() && !stopRequested) {
                Batch batch = batches.next();
                optimizer.zeroGrad(false);
                Tensor output = model.forward(batch.inputs());
                Tensor value = loss.forward(output, batch.targets());
                value.backward();
                if (clipNorm > 0) {
                    GradClip.clipGradNorm(optimizer.parameters(), clipNorm);
                }
                optimizer.step();
                if (scheduler != null && scheduler.interval() == LrScheduler.Interval.BATCH) {
                    scheduler.onBatchEnd();
                }
                int n = batch.size();
                lossSum += (double) value.item() * n;
                samples += n;
                for (Metric metric : metrics) {
                    metric.update(output, batch.targets());
                }
                if (!hooks.isEmpty()) {
                    Map<String, Double> running = results(lossSum / samples);
                    int index = batchIndex;
                    hooks.forEach(c -> c.onBatchEnd(this, epoch, index, running));
                }
                batches.recycle(batch);
                batchIndex++;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Double> logs = results(samples == 0 ? Double.NaN : lossSum / samples);
        logs.put("lr", lr);
        logs.put("seconds", seconds);
        return logs;
    }

    private Map<String, Double> results(double meanLoss) {
        Map<String, Double> logs = new LinkedHashMap<>();
        logs.put("loss", meanLoss);
        for (Metric metric : metrics) {
            logs.put(metric.name(), metric.result());
        }
        return logs;
    }

    /** Loss and metrics over {@code data} in eval mode without recording a graph. */
    public Map<String, Double> evaluate(DataLoader data) {
        boolean wasTraining = model.isTraining();
        model.eval();
        metrics.forEach(Metric::reset);
        double lossSum = 0;
        long samples = 0;
        try (var scope = GradMode.noGrad(); DataLoader.Batches batches = data.epoch(0)) {
            while (batches.hasNext()) {
                Batch batch = batches.next();
                Tensor output = model.forward(batch.inputs());
                lossSum += (double) loss.forward(output, batch.targets()).item() * batch.size();
                samples += batch.size();
                for (Metric metric : metrics) {
                    metric.update(output, batch.targets());
                }
                batches.recycle(batch);
            }
        } finally {
            if (wasTraining) {
                model.train();
            }
        }
        return results(samples == 0 ? Double.NaN : lossSum / samples);
    }

    /**
     * The model's outputs for every sample of {@code data}, in the dataset's order (also when the
     * loader shuffles), concatenated along axis 0: [N, ...].
     */
    public Tensor predict(DataLoader data) {
        int n = data.dataset().size();
        int covered = Math.min(n, data.batchesPerEpoch() * data.batchSize());
        if (covered < n) {
            throw new IllegalArgumentException("predict: the loader leaves out the last " + (n - covered)
                    + " samples (dropLast); use a loader without dropLast to predict every sample");
        }
        boolean wasTraining = model.isTraining();
        model.eval();
        List<Tensor> outputs = new ArrayList<>();
        try (var scope = GradMode.noGrad(); DataLoader.Batches batches = data.epoch(0)) {
            while (batches.hasNext()) {
                outputs.add(model.forward(batches.next().inputs()));
            }
        } finally {
            if (wasTraining) {
                model.train();
            }
        }
        if (outputs.isEmpty()) {
            throw new IllegalArgumentException("predict: the data loader yields no batches");
        }
        Tensor all = outputs.size() == 1 ? outputs.get(0) : ShapeOps.concat(0, outputs.toArray(Tensor[]::new));
        return inDatasetOrder(all, data.order(0));
    }

    /** Rows of {@code all} were produced in {@code order}; puts row k back at sample order[k]. */
    private static Tensor inDatasetOrder(Tensor all, int[] order) {
        boolean identity = true;
        for (int k = 0; k < order.length && identity; k++) {
            identity = order[k] == k;
        }
        if (identity) {
            return all;
        }
        int row = all.numel() / order.length;
        float[] source = all.data();
        float[] sorted = new float[source.length];
        for (int k = 0; k < order.length; k++) {
            System.arraycopy(source, k * row, sorted, order[k] * row, row);
        }
        return Tensor.of(sorted, all.shape());
    }

    /** Writes weights, optimizer and scheduler state, the next epoch and the history, atomically. */
    public void saveCheckpoint(Path file) throws IOException {
        Checkpoint.save(file, this);
    }

    /** Restores a checkpoint written by {@link #saveCheckpoint}; the next fit continues from its epoch. */
    public void resume(Path file) throws IOException {
        Checkpoint.restore(file, this);
    }

    /** Asks fit to stop after the current batch (callbacks call this). */
    public void stopTraining() {
        stopRequested = true;
    }

    public boolean stopRequested() {
        return stopRequested;
    }

    /** Prints a callback's message on its own line. */
    public void log(String message) {
        logStream.println(message);
        logStream.flush();
    }

    public Module model() {
        return model;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    /** The scheduler, or null. */
    public LrScheduler scheduler() {
        return scheduler;
    }

    public History history() {
        return history;
    }

    /** The epoch total of the current fit. */
    public int epochs() {
        return epochs;
    }

    public int batchesPerEpoch() {
        return batchesPerEpoch;
    }

    /** The next epoch fit will run (0-based). */
    public int nextEpoch() {
        return initialEpoch;
    }

    /** The last epoch that completed (0-based), or -1. */
    public int lastEpoch() {
        return lastEpoch;
    }

    void restoreProgress(int nextEpoch, History restoredHistory) {
        this.initialEpoch = nextEpoch;
        this.lastEpoch = nextEpoch - 1;
        this.history = restoredHistory;
    }
}
