package io.isthmus.data;

import io.isthmus.tensor.Seeds;

import java.lang.ref.Cleaner;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Cuts a {@link Dataset} into mini-batches, epoch by epoch. A batch holds every field of the
 * dataset, each as a tensor [B, ...sampleShape] of its kind (a {@link io.isthmus.tensor.Tensor}
 * or an {@link io.isthmus.tensor.IndexTensor}).
 *
 * <ul>
 * <li>Order: with shuffling, each epoch's order is a permutation determined by (seed, epoch)
 *     alone, so the same seed gives the same batches bit for bit, a different order every
 *     epoch, and a resumed run (starting at epoch k) sees what the uninterrupted run saw.</li>
 * <li>Prefetch: with {@code prefetch > 0}, one daemon thread builds up to that many batches
 *     ahead (gather + transform) while the caller trains. Batches are identical with and
 *     without it. An error in the thread is rethrown to the caller as a
 *     {@link DataLoaderException}. Closing the iteration, or dropping it unfinished (it is then
 *     stopped once garbage-collected), stops the thread.</li>
 * <li>Memory: every batch gets fresh arrays, so batches may be kept. A training loop that is
 *     done with a batch can {@linkplain Batches#recycle hand it back}; its arrays (one per
 *     field, float or int) are then reused for a later batch, which saves allocating and
 *     zeroing them (for MNIST, 188 MB per epoch, about as much time as the copying itself).</li>
 * </ul>
 *
 * <pre>{@code
 * DataLoader loader = DataLoader.builder(train).batchSize(32).shuffle(true).seed(42).build();
 * for (int epoch = 0; epoch < 10; epoch++) {
 *     try (DataLoader.Batches batches = loader.epoch(epoch)) {
 *         while (batches.hasNext()) {
 *             Batch b = batches.next(); // inputs [32, ...], targets [32] (an IndexTensor)
 *             ...
 *             batches.recycle(b);       // once nothing reads b any more
 *         }
 *     }
 * }
 * }</pre>
 */
public final class DataLoader implements Iterable<Batch> {

    private static final Cleaner CLEANER = Cleaner.create();
    private static final AtomicInteger THREAD_COUNTER = new AtomicInteger();
    /** Separates the transforms' random streams from the shuffle's, which share (seed, epoch). */
    private static final long TRANSFORM_STREAM = 0x7A5F_0E3D_1C2B_4A69L;

    private final Dataset dataset;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final boolean dropLast;
    private final int prefetch;
    private final Transform transform;
    /** Samples visited per epoch: the first this many of the epoch's order (all by default). */
    private final int samplesPerEpoch;
    private final AtomicInteger nextEpoch = new AtomicInteger();
    private final BufferPool pool;

    private DataLoader(Builder b) {
        this.dataset = b.dataset;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        // a loader left unseeded follows the global seed, as PyTorch's does torch.manual_seed
        this.seed = b.seed != null ? b.seed
                : b.shuffle || b.transform != null ? Seeds.next().nextLong() : 0L;
        this.dropLast = b.dropLast;
        this.prefetch = b.prefetch;
        this.transform = b.transform;
        this.samplesPerEpoch = checkSamplesPerEpoch(b.samplesPerEpoch, dataset);
        this.pool = new BufferPool(checkFields(dataset), batchSize, prefetch + 2);
    }

    private static int checkSamplesPerEpoch(int requested, Dataset dataset) {
        int n = dataset.size();
        if (requested < 0) {
            return n;
        }
        if (requested > n) {
            throw new IllegalArgumentException("samples per epoch " + requested + " exceeds the " + n
                    + " samples of dataset " + dataset);
        }
        return requested;
    }

    /** The dataset's fields: at least one, names distinct (a batch is a map by name). */
    private static List<Field> checkFields(Dataset dataset) {
        List<Field> fields = dataset.fields();
        if (fields.isEmpty()) {
            throw new IllegalArgumentException("dataset " + dataset + " has no fields");
        }
        var names = new HashSet<String>();
        for (Field f : fields) {
            if (!names.add(f.name())) {
                throw new IllegalArgumentException("dataset " + dataset + " has two fields named '" + f.name() + "': " + fields);
            }
        }
        return fields;
    }

    /** A builder with defaults: batch size 32, no shuffle, seed from the global {@link Seeds}, keep the last partial batch, prefetch 2. */
    public static Builder builder(Dataset dataset) {
        return new Builder(dataset);
    }

    public static final class Builder {
        private final Dataset dataset;
        private int batchSize = 32;
        private boolean shuffle;
        private Long seed;
        private boolean dropLast;
        private int prefetch = 2;
        private Transform transform;
        private int samplesPerEpoch = -1;

        private Builder(Dataset dataset) {
            this.dataset = Objects.requireNonNull(dataset, "dataset");
        }

        /** Samples per batch, &gt;= 1. */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /** Whether each epoch visits the samples in a fresh random order (default false). */
        public Builder shuffle(boolean shuffle) {
            this.shuffle = shuffle;
            return this;
        }

        /**
         * Seed of the shuffle and of the transforms' random generators (default: drawn from the
         * global {@link io.isthmus.tensor.Seeds} when the loader is built, if it shuffles or transforms).
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Whether to drop the last batch when it is smaller than the batch size (default false). */
        public Builder dropLast(boolean dropLast) {
            this.dropLast = dropLast;
            return this;
        }

        /** Batches built ahead on a background thread; 0 builds each batch on the caller's thread. */
        public Builder prefetch(int batches) {
            if (batches < 0) {
                throw new IllegalArgumentException("prefetch must be >= 0, got " + batches);
            }
            this.prefetch = batches;
            return this;
        }

        /** Applied to every batch (null for none). */
        public Builder transform(Transform transform) {
            this.transform = transform;
            return this;
        }

        /**
         * Visits only {@code samples} (&gt;= 1, at most the dataset's size) samples per epoch: the
         * first that many of the epoch's order. With shuffling that is a fresh random choice of
         * distinct samples every epoch, determined by (seed, epoch); e.g. 10,000 windows at random
         * offsets of a text whose dataset holds a window at every offset. Default: all samples.
         */
        public Builder samplesPerEpoch(int samples) {
            if (samples < 1) {
                throw new IllegalArgumentException("samples per epoch must be >= 1, got " + samples);
            }
            this.samplesPerEpoch = samples;
            return this;
        }

        public DataLoader build() {
            return new DataLoader(this);
        }
    }

    public Dataset dataset() {
        return dataset;
    }

    public int batchSize() {
        return batchSize;
    }

    /** Number of batches one epoch yields. */
    public int batchesPerEpoch() {
        int n = samplesPerEpoch;
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** Samples visited per epoch (the dataset's size unless {@link Builder#samplesPerEpoch} said fewer). */
    public int samplesPerEpoch() {
        return samplesPerEpoch;
    }

    /**
     * The order in which epoch {@code epoch} visits the samples: a permutation of 0..N-1, or its
     * first {@link #samplesPerEpoch()} entries.
     */
    public int[] order(int epoch) {
        int n = dataset.size();
        int[] all = shuffle ? Permutations.random(n, Permutations.derive(seed, epoch)) : Permutations.identity(n);
        return samplesPerEpoch == n ? all : Arrays.copyOf(all, samplesPerEpoch);
    }

    /** The batches of epoch {@code epoch} (0-based). Close it if you stop before the end. */
    public Batches epoch(int epoch) {
        Plan plan = new Plan(dataset, order(epoch), batchSize, batchesPerEpoch(), epoch, transform,
                Permutations.derive(Permutations.derive(seed, epoch), TRANSFORM_STREAM), pool);
        return new Batches(plan, prefetch);
    }

    /** The batches of the next epoch: the first call gives epoch 0, the next epoch 1, and so on. */
    @Override
    public Batches iterator() {
        return epoch(nextEpoch.getAndIncrement());
    }

    /** What one epoch yields; builds batch {@code k} on whichever thread asks. Holds no reference to its iterator. */
    private record Plan(Dataset dataset, int[] order, int batchSize, int batches, int epoch, Transform transform,
                        long transformSeed, BufferPool pool) {

        Batch build(int k) {
            int from = k * batchSize;
            int count = Math.min(batchSize, order.length - from);
            // Full batches may reuse recycled arrays; the last, smaller one gets its own.
            boolean full = count == batchSize;
            BatchArrays arrays = full ? pool.take() : BatchArrays.allocate(dataset.fields(), count);
            dataset.gather(order, from, count, arrays);
            Batch batch = full ? arrays.toBatch(pool) : arrays.toBatch();
            if (transform != null) {
                batch = transform.apply(batch, new SplittableRandom(Permutations.derive(transformSeed, k)));
                if (batch == null) {
                    throw new NullPointerException("transform " + transform + " returned null");
                }
            }
            return batch;
        }

        DataLoaderException failure(int k, Throwable cause) {
            return new DataLoaderException("building batch " + k + " of " + batches + " (epoch " + epoch
                    + ") failed: " + cause, cause);
        }
    }

    /** A failure in the prefetch thread, delivered in place of batch {@code index}. */
    private record Failure(int index, Throwable cause) {
    }

    /** Stops a prefetch thread; referenced by the Cleaner, so it must not reference the iterator. */
    private record Stopper(AtomicBoolean stop, Thread thread) implements Runnable {
        @Override
        public void run() {
            stop.set(true);
            thread.interrupt();
        }
    }

    /** The batches of one epoch, in order. Closing it stops its prefetch thread. */
    public static final class Batches implements Iterator<Batch>, AutoCloseable {
        private final Plan plan;
        private final BlockingQueue<Object> queue; // null without prefetch
        private final Thread thread;               // null without prefetch
        private final Cleaner.Cleanable cleanable; // null without prefetch
        private int delivered;
        private boolean closed;

        private Batches(Plan plan, int prefetch) {
            this.plan = plan;
            if (prefetch == 0 || plan.batches() == 0) {
                queue = null;
                thread = null;
                cleanable = null;
                return;
            }
            BlockingQueue<Object> q = new ArrayBlockingQueue<>(prefetch);
            AtomicBoolean stop = new AtomicBoolean();
            this.queue = q;
            this.thread = Thread.ofPlatform().daemon(true)
                    .name("isthmus-prefetch-" + THREAD_COUNTER.incrementAndGet())
                    .unstarted(() -> produce(plan, q, stop));
            this.cleanable = CLEANER.register(this, new Stopper(stop, thread));
            thread.start();
        }

        private static void produce(Plan plan, BlockingQueue<Object> queue, AtomicBoolean stop) {
            try {
                for (int k = 0; k < plan.batches() && !stop.get(); k++) {
                    Object item;
                    try {
                        item = plan.build(k);
                    } catch (Throwable t) {
                        item = new Failure(k, t);
                    }
                    queue.put(item);
                    if (item instanceof Failure) {
                        return;
                    }
                }
            } catch (InterruptedException stopped) {
                // closed or abandoned by the consumer: just end
            }
        }

        @Override
        public boolean hasNext() {
            return !closed && delivered < plan.batches();
        }

        @Override
        public Batch next() {
            if (!hasNext()) {
                throw new NoSuchElementException(closed ? "iteration was closed"
                        : "epoch " + plan.epoch() + " has only " + plan.batches() + " batches");
            }
            int k = delivered;
            Batch batch;
            if (queue == null) {
                try {
                    batch = plan.build(k);
                } catch (RuntimeException | Error e) {
                    close();
                    throw plan.failure(k, e);
                }
            } else {
                Object item = take(k);
                if (item instanceof Failure f) {
                    close();
                    throw plan.failure(f.index(), f.cause());
                }
                batch = (Batch) item;
            }
            delivered++;
            if (delivered == plan.batches()) {
                close();
            }
            return batch;
        }

        private Object take(int k) {
            try {
                while (true) {
                    Object item = queue.poll(100, TimeUnit.MILLISECONDS);
                    if (item != null) {
                        return item;
                    }
                    if (!thread.isAlive() && queue.isEmpty()) {
                        close();
                        throw new DataLoaderException("prefetch thread " + thread.getName()
                                + " ended without producing batch " + k + " of epoch " + plan.epoch(), null);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new DataLoaderException("interrupted while waiting for batch " + k + " of epoch " + plan.epoch(), e);
            }
        }

        /**
         * Hands back a batch this iteration (or another of the same loader) produced, once
         * nothing uses it any more: after the optimizer step, not while its tensors may still
         * be read (a later backward pass, a kept reference). Its arrays are reused for a later
         * batch: each field's array that the loader made and the batch still holds under that
         * name (a transform's in-place change, reshape or {@link Batch#with} of other fields
         * keeps them; an array a transform put in is never taken). The last, smaller batch,
         * batches built with {@code new Batch(...)}, those of other loaders and arrays already
         * handed back are ignored.
         */
        public void recycle(Batch batch) {
            plan.pool().recycle(batch);
        }

        /** Stops the prefetch thread (if any) and ends the iteration; idempotent. */
        @Override
        public void close() {
            closed = true;
            if (cleanable != null) {
                cleanable.clean();
                queue.clear(); // let prefetched batches be collected now
            }
        }
    }
}
