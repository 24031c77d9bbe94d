package io.isthmus.kernels.gemm;

/**
 * Shape class to backend, read on every GEMM call without locks or allocation: an open-addressing
 * table of ints, each slot holding {@code (key + 1) << 2 | pending << 1 | usesBlas} (0: empty). A
 * slot is one int, written whole, so a reader racing a writer sees either the old slot or the new
 * one: nothing (and it takes the caller's locked slow path), or a complete entry.
 *
 * <p>{@code pending} marks a class whose backend is fixed for the process but which still wants a
 * measurement for the decision file (see {@link AutoGemm}).
 */
final class DecisionTable {

    /** {@link #get} when the class has no decision yet. */
    static final int ABSENT = -1;
    /** Bit of {@link #get}'s answer: the class runs on OpenBLAS (else on SIMD). */
    static final int BLAS = 1;
    /** Bit of {@link #get}'s answer: the class still wants a measurement for the decision file. */
    static final int PENDING = 2;

    private volatile int[] slots = new int[64];
    private int size;

    /** {@link #ABSENT}, or the {@link #BLAS} and {@link #PENDING} bits of the class. */
    int get(int key) {
        int[] table = slots;
        int index = find(table, key);
        return table[index] == 0 ? ABSENT : table[index] & 3;
    }

    /** Records a decision; a class keeps its first backend (later puts for it are ignored). */
    synchronized void put(int key, boolean usesBlas, boolean pending) {
        if (get(key) != ABSENT) {
            return;
        }
        if (2 * (size + 1) > slots.length) {
            int[] bigger = new int[slots.length * 2];
            for (int slot : slots) {
                if (slot != 0) {
                    bigger[find(bigger, (slot >>> 2) - 1)] = slot;
                }
            }
            slots = bigger;
        }
        int[] table = slots;
        table[find(table, key)] = (key + 1) << 2 | (pending ? PENDING : 0) | (usesBlas ? BLAS : 0);
        slots = table; // volatile write: publishes the slot to readers
        size++;
    }

    /** The class no longer wants a measurement; its backend stays. */
    synchronized void clearPending(int key) {
        int[] table = slots;
        int index = find(table, key);
        if (table[index] != 0) {
            table[index] &= ~PENDING;
            slots = table;
        }
    }

    int size() {
        return size;
    }

    /** The slot holding {@code key}, or the empty slot where it would go. */
    private static int find(int[] table, int key) {
        int mask = table.length - 1;
        int wanted = key + 1;
        int i = mix(key) & mask;
        while (table[i] != 0 && table[i] >>> 2 != wanted) {
            i = (i + 1) & mask;
        }
        return i;
    }

    /** Spreads the packed bit fields over the low bits the mask keeps. */
    private static int mix(int key) {
        int h = key * 0x9E3779B1;
        return h ^ (h >>> 16);
    }
}
