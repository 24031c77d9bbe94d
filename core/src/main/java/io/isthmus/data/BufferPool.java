package io.isthmus.data;

import java.util.concurrent.ArrayBlockingQueue;

/**
 * Arrays of full batches handed back by the training loop, for the loader to fill again instead
 * of allocating (and zeroing) new ones. Bounded: beyond capacity, returned arrays go to the GC.
 * Thread-safe: the prefetch thread takes, the training thread returns.
 */
final class BufferPool {

    private final int featureLength;
    private final int targetLength;
    private final ArrayBlockingQueue<float[]> features;
    private final ArrayBlockingQueue<float[]> targets;

    BufferPool(int featureLength, int targetLength, int capacity) {
        this.featureLength = featureLength;
        this.targetLength = targetLength;
        this.features = new ArrayBlockingQueue<>(capacity);
        this.targets = new ArrayBlockingQueue<>(capacity);
    }

    /** A features array of a full batch: recycled if one is available, else new. */
    float[] features() {
        float[] a = features.poll();
        return a != null ? a : new float[featureLength];
    }

    /** A targets array of a full batch: recycled if one is available, else new. */
    float[] targets() {
        float[] a = targets.poll();
        return a != null ? a : new float[targetLength];
    }

    void recycle(float[] featureArray, float[] targetArray) {
        offer(features, featureArray, featureLength);
        offer(targets, targetArray, targetLength);
    }

    private static void offer(ArrayBlockingQueue<float[]> queue, float[] array, int length) {
        // contains() compares arrays by identity: an array handed back twice must not be
        // given to two batches at once.
        if (array.length == length && !queue.contains(array)) {
            queue.offer(array);
        }
    }
}
