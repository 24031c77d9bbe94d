package io.isthmus.kernels.gemm;

/**
 * The class of a product that {@link AutoGemm} decides once for: layout (transA, transB), thread
 * count bucket (1, 2, 3-4, 5-8, ..., 65 and more) and the power-of-two bucket of each of m, n and
 * k (floor of log2: 128..255 share a bucket). Packed into an int so that the lookup on every call
 * allocates nothing.
 *
 * <p>Bits: 19 transA, 18 transB, 15-17 thread bucket, 10-14 m bucket, 5-9 n bucket, 0-4 k bucket.
 */
public final class ShapeClass {

    /** Keys are in [0, LIMIT). */
    public static final int LIMIT = 1 << 20;
    private static final int MAX_THREAD_BUCKET = 7;

    private ShapeClass() {
    }

    /** The class of a product with m, n, k and threads at least 1. */
    public static int of(boolean transA, boolean transB, int m, int n, int k, int threads) {
        return (transA ? 1 << 19 : 0) | (transB ? 1 << 18 : 0) | threadBucket(threads) << 15
                | log2(m) << 10 | log2(n) << 5 | log2(k);
    }

    /** Whether the class's A is transposed. */
    static boolean transA(int key) {
        return (key >>> 19 & 1) == 1;
    }

    /** Whether the class's B is transposed. */
    static boolean transB(int key) {
        return (key >>> 18 & 1) == 1;
    }

    /** floor(log2(x)) for x >= 1 (0..30). */
    static int log2(int x) {
        return 31 - Integer.numberOfLeadingZeros(x);
    }

    /** 0 for 1 thread, 1 for 2, 2 for 3-4, 3 for 5-8, ..., 7 for 65 and more. */
    static int threadBucket(int threads) {
        return Math.min(MAX_THREAD_BUCKET, threads <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(threads - 1));
    }

    /** Whether {@code key} could have come from {@link #of} (for keys read from a file). */
    public static boolean isValid(int key) {
        return key >= 0 && key < LIMIT && (key >>> 10 & 31) <= 30 && (key >>> 5 & 31) <= 30 && (key & 31) <= 30;
    }

    /** E.g. "NT 2 threads m 128-255 n 128-255 k 512-1023". */
    public static String describe(int key) {
        String layout = (transA(key) ? "T" : "N") + (transB(key) ? "T" : "N");
        int bucket = key >>> 15 & 7;
        String threads = switch (bucket) {
            case 0 -> "1 thread";
            case 1 -> "2 threads";
            case MAX_THREAD_BUCKET -> "65+ threads";
            default -> ((1 << (bucket - 1)) + 1) + "-" + (1 << bucket) + " threads";
        };
        return layout + " " + threads + " m " + range(key >>> 10 & 31) + " n " + range(key >>> 5 & 31)
                + " k " + range(key & 31);
    }

    private static String range(int log2) {
        long low = 1L << log2;
        return low + "-" + (2 * low - 1);
    }
}
