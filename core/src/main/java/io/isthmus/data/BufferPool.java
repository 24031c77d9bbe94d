package io.isthmus.data;

import io.isthmus.tensor.AnyTensor;
import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Tensor;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * Arrays of full batches handed back by the training loop, one queue per dataset field
 * ({@code float[]} or {@code int[]}), for the loader to fill again instead of allocating (and
 * zeroing) new ones. Bounded: beyond capacity, returned arrays go to the GC. Thread-safe: the
 * prefetch thread takes, the training thread returns.
 */
final class BufferPool {

    /** The arrays (in field order) a pool lent one batch. */
    record Loan(BufferPool pool, Object[] arrays) {
    }

    private final List<Field> fields;
    private final int batchSize;
    private final ArrayBlockingQueue<Object>[] free;

    @SuppressWarnings("unchecked")
    BufferPool(List<Field> fields, int batchSize, int capacity) {
        this.fields = List.copyOf(fields);
        this.batchSize = batchSize;
        this.free = new ArrayBlockingQueue[fields.size()];
        for (int f = 0; f < free.length; f++) {
            free[f] = new ArrayBlockingQueue<>(capacity);
        }
    }

    /** Arrays for a full batch, each recycled if one is available, else new. */
    BatchArrays take() {
        Object[] arrays = new Object[free.length];
        for (int f = 0; f < arrays.length; f++) {
            Object a = free[f].poll();
            arrays[f] = a != null ? a : BatchArrays.newArray(fields.get(f), batchSize);
        }
        return new BatchArrays(fields, batchSize, arrays);
    }

    /**
     * Takes back the arrays this pool lent {@code batch} that its fields of the same name still
     * hold (a transform may have replaced a field: the replacement, maybe shared, is not ours).
     * Batches from another pool, or not from a pool, are ignored.
     */
    void recycle(Batch batch) {
        Loan loan = batch.loan;
        if (loan == null || loan.pool() != this) {
            return;
        }
        for (int f = 0; f < free.length; f++) {
            String name = fields.get(f).name();
            if (batch.has(name) && storage(batch.get(name)) == loan.arrays()[f]) {
                offer(free[f], loan.arrays()[f]);
            }
        }
    }

    private static Object storage(AnyTensor value) {
        return switch (value) {
            case Tensor t -> t.data();
            case IndexTensor t -> t.data();
        };
    }

    private static void offer(ArrayBlockingQueue<Object> queue, Object array) {
        // contains() compares arrays by identity: an array handed back twice must not be
        // given to two batches at once.
        if (!queue.contains(array)) {
            queue.offer(array);
        }
    }
}
