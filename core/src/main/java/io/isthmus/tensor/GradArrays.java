package io.isthmus.tensor;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The gradient arrays of intermediate tensors that {@link Tensor#backward()} has finished with,
 * kept per thread for the next backward pass to write into. A new array costs zeroing memory the
 * caches have not seen for a while (the JVM hands out young-generation memory in order); one
 * freed a step ago is still in cache. PyTorch's allocators recycle freed tensors the same way.
 * Only arrays that nothing else can reach come here: non-leaf gradients, which backward drops.
 */
final class GradArrays {

    /**
     * Arrays kept per thread; older ones go to the garbage collector. A whole backward pass's
     * worth: W6's CNN frees about ten gradient arrays a step, and with room for 8 its two biggest (the
     * first convolution's output and ReLU, 5.5 MB each, freed last) were pushed out before the
     * next step needed them, so each step allocated and zeroed them anew.
     */
    private static final int KEEP = 32;
    /** Shorter arrays are cheap to allocate: not worth a search. */
    private static final int MIN_LENGTH = 1024;
    /** At most this many floats (64 MB) kept per thread, so that big models do not hoard memory. */
    private static final long MAX_KEPT_FLOATS = 1L << 24;
    /** One thread's arrays, newest first. */
    private static final ThreadLocal<ArrayDeque<float[]>> KEPT = ThreadLocal.withInitial(ArrayDeque::new);

    private GradArrays() {
    }

    /** An array of {@code length} floats with unspecified contents. */
    static float[] take(int length) {
        if (length >= MIN_LENGTH) {
            for (Iterator<float[]> it = KEPT.get().iterator(); it.hasNext(); ) {
                float[] a = it.next();
                if (a.length == length) {
                    it.remove();
                    return a;
                }
            }
        }
        return new float[length];
    }

    /** Hands over an array nobody will read or write again. */
    static void give(float[] array) {
        if (array.length < MIN_LENGTH || array.length > MAX_KEPT_FLOATS) {
            return;
        }
        ArrayDeque<float[]> kept = KEPT.get();
        long floats = array.length;
        for (float[] a : kept) {
            floats += a.length;
        }
        while (!kept.isEmpty() && (kept.size() == KEEP || floats > MAX_KEPT_FLOATS)) {
            floats -= kept.removeLast().length;
        }
        kept.addFirst(array);
    }
}
