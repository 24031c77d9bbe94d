package io.isthmus.ops;

import io.isthmus.kernels.Threads;

import java.util.function.IntConsumer;

/**
 * Runs a batch of independent GEMMs, each writing one slice of an output (the products of a
 * batched matmul, or their gradients). Products that write the same slice (a broadcast operand's
 * gradient sums over the batch) run one after another on one thread, the first overwriting the
 * slice and the rest adding to it, so no two threads ever write one slice.
 *
 * <p>When there are at least as many slices as threads and enough work, the slices are split
 * over {@link Threads#parallelFor}, and each product runs on one thread (inside a task,
 * {@link Threads#count()} is 1, so the GEMM does not split itself again). Otherwise the products
 * run in turn on the calling thread, each GEMM free to use every thread itself: that is the
 * better split for few large products ([1, 1, 512, 512] @ ...), and for tiny batches where
 * waking the pool's workers would cost more than the arithmetic.
 */
final class BatchedGemm {

    /**
     * Total multiply-adds below which a batch runs on the calling thread. Not measured: a guess
     * that a pool hand-off (tens of microseconds to wake a parked worker) should be well below the
     * batch's own time (2^20 multiply-adds: tens of microseconds on one core).
     */
    static final long PARALLEL_WORK = 1L << 20;

    private BatchedGemm() {
    }

    /** One product: its GEMM, writing its slice with {@code beta} (0 for the first product of a slice, 1 after). */
    @FunctionalInterface
    interface Product {
        void run(int product, float beta);
    }

    /** Runs products 0..count-1, each writing its own slice. */
    static void run(int count, long workPerProduct, Product product) {
        int[] own = new int[count];
        for (int p = 0; p < count; p++) {
            own[p] = p;
        }
        run(count, own, count, workPerProduct, product);
    }

    /**
     * Runs products 0..count-1, product p writing slice {@code sliceOf[p]} of {@code slices}; every
     * slice must be written by at least one product.
     */
    static void run(int count, int[] sliceOf, int slices, long workPerProduct, Product product) {
        // products grouped by slice (counting sort), in their original order within a slice
        int[] start = new int[slices + 1];
        for (int p = 0; p < count; p++) {
            start[sliceOf[p] + 1]++;
        }
        for (int s = 0; s < slices; s++) {
            start[s + 1] += start[s];
        }
        int[] order = new int[count];
        int[] next = start.clone();
        for (int p = 0; p < count; p++) {
            order[next[sliceOf[p]]++] = p;
        }
        IntConsumer slice = s -> {
            for (int j = start[s]; j < start[s + 1]; j++) {
                product.run(order[j], j == start[s] ? 0f : 1f);
            }
        };
        int threads = Threads.count();
        if (threads > 1 && slices >= threads && workPerProduct * count >= PARALLEL_WORK) {
            Threads.parallelFor(slices, slice);
        } else {
            for (int s = 0; s < slices; s++) {
                slice.accept(s);
            }
        }
    }
}
