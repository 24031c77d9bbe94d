package io.isthmus.kernels.gemm;

/**
 * Shape class to backend, read on every GEMM call without locks or allocation: an open-addressing
 * table of ints, each slot holding {@code (key + 1) << 1 | usesBlas} (0: empty). A slot is one int,
 * written whole, so a reader racing a writer sees either nothing (and takes the caller's locked
 * slow path) or the complete entry.
 */
final class DecisionTable {

    /** {@link #get} when the class has no decision yet. */
    static final int ABSENT = -1;
    static final int SIMD = 0;
    static final int BLAS = 1;

    private volatile int[] slots = new int[64];
    private int size;

    /** {@link #SIMD}, {@link #BLAS} or {@link #ABSENT}. */
    int get(int key) {
        int[] table = slots;
        int mask = table.length - 1;
        int wanted = key + 1;
        for (int i = mix(key) & mask; ; i = (i + 1) & mask) {
            int slot = table[i];
            if (slot == 0) {
                return ABSENT;
            }
            if (slot >>> 1 == wanted) {
                return slot & 1;
            }
        }
    }

    /** Records a decision; a class keeps its first one (later puts for it are ignored). */
    synchronized void put(int key, boolean usesBlas) {
        if (get(key) != ABSENT) {
            return;
        }
        if (2 * (size + 1) > slots.length) {
            int[] bigger = new int[slots.length * 2];
            for (int slot : slots) {
                if (slot != 0) {
                    insert(bigger, slot);
                }
            }
            slots = bigger;
        }
        insert(slots, (key + 1) << 1 | (usesBlas ? 1 : 0));
        size++;
    }

    int size() {
        return size;
    }

    private static void insert(int[] table, int entry) {
        int mask = table.length - 1;
        int i = mix((entry >>> 1) - 1) & mask;
        while (table[i] != 0) {
            i = (i + 1) & mask;
        }
        table[i] = entry;
    }

    /** Spreads the packed bit fields over the low bits the mask keeps. */
    private static int mix(int key) {
        int h = key * 0x9E3779B1;
        return h ^ (h >>> 16);
    }
}
