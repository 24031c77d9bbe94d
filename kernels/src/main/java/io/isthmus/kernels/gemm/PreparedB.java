package io.isthmus.kernels.gemm;

import java.util.function.Supplier;

/**
 * The B operand of many products in a row, op(B) [k, n], unchanged between them: a recurrent
 * layer's W_hh, multiplied once per time step. A backend that packs B for its kernels packs it
 * once, at its first product, and keeps the packing here ({@link #packed}); the others read the
 * array as in {@link Gemm#sgemm}. Whoever changes the array afterwards must prepare it again.
 *
 * <p>b: [k, ldb] from {@code offset}, or [n, ldb] when {@code transB}.
 */
public final class PreparedB {

    private final boolean transB;
    private final int k;
    private final int n;
    private final float[] b;
    private final int offset;
    private final int ldb;
    private Object packedBy;
    private Object packed;

    public PreparedB(boolean transB, int k, int n, float[] b, int offset, int ldb) {
        this.transB = transB;
        this.k = k;
        this.n = n;
        this.b = b;
        this.offset = offset;
        this.ldb = ldb;
    }

    public boolean transB() {
        return transB;
    }

    public int k() {
        return k;
    }

    public int n() {
        return n;
    }

    public float[] array() {
        return b;
    }

    public int offset() {
        return offset;
    }

    public int ldb() {
        return ldb;
    }

    /**
     * {@code backend}'s packing of B, made by {@code pack} at the first call for that backend (one
     * backend's packing at a time; the product that asks is the one that packs).
     */
    public synchronized <T> T packed(Object backend, Class<T> type, Supplier<T> pack) {
        if (packedBy != backend) {
            packed = pack.get();
            packedBy = backend;
        }
        return type.cast(packed);
    }
}
