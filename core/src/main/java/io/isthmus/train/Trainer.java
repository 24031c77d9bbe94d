package io.isthmus.train;

import io.isthmus.data.Batch;
import io.isthmus.data.DataLoader;
import io.isthmus.loss.Loss;
import io.isthmus.kernels.Kernels;
import io.isthmus.nn.Layer;
import io.isthmus.nn.Module;
import io.isthmus.ops.ShapeOps;
import io.isthmus.optim.GradClip;
import io.isthmus.optim.LrScheduler;
import io.isthmus.optim.Optimizer;
import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Keras-style training of a {@link Module}: {@link #fit}, {@link #evaluate}, {@link #predict},
 * with a loss, an optimizer, metrics, callbacks and a {@link History}. One training step is
 * zero grad, forward, loss, backward, optional clipping, optimizer step.
 *
 * <p>A one-input model ({@link Layer}, e.g. a {@link io.isthmus.nn.Sequential}) reads the
 * batch's {@code inputs} field and its loss compares the output with {@code targets}:
 * {@code new Trainer(model, new CrossEntropyLoss(), adam, new Accuracy())}. Any other model
 * says how it reads a batch, and which field the loss and metrics compare with:
 * <pre>{@code
 * Trainer trainer = Trainer.builder(translator)
 *         .forward(b -> translator.forward(b.indices("source"), b.indices("target_in"), b.indices("source_mask")))
 *         .loss(new CrossEntropyLoss(), "target_out")
 *         .optimizer(adam)
 *         .metrics(new Accuracy())
 *         .build();
 * }</pre>
 * The trainer starts the kernels' warm-up when it is built, so the JIT compiles them while data loads.
 */
public final class Trainer {

    /** The training objective of a model whose loss needs more than the output and one target field. */
    @FunctionalInterface
    public interface Objective {
        /** The scalar loss (mean over the batch) for {@code output} on {@code batch}. */
        Tensor loss(Tensor output, Batch batch);
    }

    private final Module model;
    private final Function<Batch, Tensor> forward;
    private final Objective objective;
    private final String targetField;
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

    /** A one-input model: output = model.forward(batch.inputs()), loss and metrics against {@code targets}. */
    public Trainer(Layer model, Loss loss, Optimizer optimizer, Metric... metrics) {
        this(builder(model).loss(loss).optimizer(optimizer).metrics(metrics));
    }

    private Trainer(Builder b) {
        this.model = b.model;
        this.targetField = b.metricField != null ? b.metricField : b.lossField;
        this.forward = b.forward != null ? b.forward : defaultForward(b.model);
        if (b.objective != null) {
            this.objective = b.objective;
        } else if (b.loss != null) {
            Loss loss = b.loss;
            String field = b.lossField;
            this.objective = (output, batch) -> loss.forward(output, batch.get(field));
        } else {
            throw new IllegalStateException("Trainer: no loss; call loss(Loss) or objective(...)");
        }
        this.optimizer = Objects.requireNonNull(b.optimizer, "Trainer: no optimizer; call optimizer(...)");
        this.metrics = List.copyOf(b.metrics);
        Kernels.warmUp();
    }

    private static Function<Batch, Tensor> defaultForward(Module model) {
        if (model instanceof Layer layer) {
            return batch -> layer.forward(batch.inputs());
        }
        throw new IllegalStateException("Trainer: " + model.getClass().getSimpleName() + " is not a one-input Layer, so "
                + "the trainer cannot guess how it reads a batch; give it forward(batch -> model.forward(...))");
    }

    /** Starts configuring the training of {@code model}. */
    public static Builder builder(Module model) {
        return new Builder(model);
    }

    /** Named options of a {@link Trainer}; {@link #optimizer} and a loss are required. */
    public static final class Builder {
        private final Module model;
        private Function<Batch, Tensor> forward;
        private Loss loss;
        private Objective objective;
        private String lossField = Batch.TARGETS;
        private String metricField;
        private Optimizer optimizer;
        private final List<Metric> metrics = new ArrayList<>();

        private Builder(Module model) {
            this.model = Objects.requireNonNull(model, "Trainer: model is null");
        }

        /** How the model reads a batch (default, for a {@link Layer}: {@code model.forward(batch.inputs())}). */
        public Builder forward(Function<Batch, Tensor> modelOnBatch) {
            this.forward = Objects.requireNonNull(modelOnBatch, "Trainer: forward is null");
            return this;
        }

        /** Loss of the output against the batch's {@code targets} field. */
        public Builder loss(Loss lossFunction) {
            return loss(lossFunction, Batch.TARGETS);
        }

        /** Loss of the output against the batch field {@code targetField}; metrics compare with it too. */
        public Builder loss(Loss lossFunction, String targetField) {
            this.loss = Objects.requireNonNull(lossFunction, "Trainer: loss is null");
            this.lossField = Objects.requireNonNull(targetField, "Trainer: target field is null");
            this.objective = null;
            return this;
        }

        /** A loss computed from the output and the whole batch (e.g. masked by a batch field). */
        public Builder objective(Objective lossOnBatch) {
            this.objective = Objects.requireNonNull(lossOnBatch, "Trainer: objective is null");
            this.loss = null;
            return this;
        }

        /** The batch field metrics compare the output with (default {@code targets}, or the loss's field). */
        public Builder metricTargets(String field) {
            this.metricField = Objects.requireNonNull(field, "Trainer: metric target field is null");
            return this;
        }

        public Builder optimizer(Optimizer value) {
            this.optimizer = Objects.requireNonNull(value, "Trainer: optimizer is null");
            return this;
        }

        /** Metrics computed during fit and evaluate, named in the logs by {@link Metric#name()}. */
        public Builder metrics(Metric... values) {
            for (Metric m : values) {
                metrics.add(Objects.requireNonNull(m, "Trainer: a metric is null"));
            }
            return this;
        }

        public Trainer build() {
            return new Trainer(this);
        }
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
                Tensor output = forward.apply(batch);
                Tensor value = objective.loss(output, batch);
                requireScalar(value);
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
                updateMetrics(output, batch);
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

    private void updateMetrics(Tensor output, Batch batch) {
        if (!metrics.isEmpty()) {
            var targets = batch.get(targetField);
            for (Metric metric : metrics) {
                metric.update(output, targets);
            }
        }
    }

    private static void requireScalar(Tensor value) {
        if (value.numel() != 1) {
            throw new IllegalStateException("the loss must be one number (a mean over the batch), got shape "
                    + Shape.str(value.shape()) + "; reduce it, e.g. with mean()");
        }
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
        metrics.forEach(Metric::reset);
        return model.inference(() -> {
            double lossSum = 0;
            long samples = 0;
            try (DataLoader.Batches batches = data.epoch(0)) {
                while (batches.hasNext()) {
                    Batch batch = batches.next();
                    Tensor output = forward.apply(batch);
                    Tensor value = objective.loss(output, batch);
                    requireScalar(value);
                    lossSum += (double) value.item() * batch.size();
                    samples += batch.size();
                    updateMetrics(output, batch);
                    batches.recycle(batch);
                }
            }
            return results(samples == 0 ? Double.NaN : lossSum / samples);
        });
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
                    + " samples (dropLast or samplesPerEpoch); use a loader that visits every sample to predict them all");
        }
        List<Tensor> outputs = model.inference(() -> {
            List<Tensor> produced = new ArrayList<>();
            try (DataLoader.Batches batches = data.epoch(0)) {
                while (batches.hasNext()) {
                    produced.add(forward.apply(batches.next()));
                }
            }
            return produced;
        });
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

    /**
     * The model's output for {@code inputs} [N, ...] in one pass, in eval mode without a graph
     * (the batch holds one field, {@code inputs}, read by the trainer's forward).
     */
    public Tensor predict(Tensor inputs) {
        return predict(new Batch(Map.of(Batch.INPUTS, inputs)));
    }

    /** The model's output for one batch, in eval mode without a graph. */
    public Tensor predict(Batch batch) {
        return model.inference(() -> forward.apply(batch));
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
