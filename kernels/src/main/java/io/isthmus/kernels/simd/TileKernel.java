package io.isthmus.kernels.simd;

/**
 * A register-tile micro-kernel: one {@code rows() x cols()} tile of C from MR rows of A and one
 * packed column panel of B, with the whole k loop in registers. Implementations are generated
 * per vector width so that each holds its species in a static final field (what C2 needs to
 * compile Vector API code into plain vector instructions).
 *
 * <p>The result is written by {@code C = alpha * acc + beta * C}; a full tile with {@code beta == 1}
 * (every k slice after the first) thus costs one fused multiply-add per vector of C.
 */
interface TileKernel {

    /** MR: rows of C per tile. */
    int rows();

    /** NR: columns of C per tile (a whole number of vectors). */
    int cols();

    /** Vector width in bits. */
    int bits();

    /**
     * {@code C = alpha * A * B + beta * C} for one tile, A read in place.
     *
     * <p>a: row r (r &lt; rows) of the tile starts at {@code aRow0 + r * lda} and holds kc values.
     * bp: B's [kc, NR] panel from {@code bOff}, row p at {@code bOff + p * ldbp}: packed
     * ({@code ldbp == NR}, zero beyond {@code cols}) or B itself ({@code ldbp == ldb}, all NR columns
     * readable).
     * c: [rows, ldc] from {@code cOff}; only the first {@code rows} rows and {@code cols} columns are
     * written, and C is not read when {@code beta == 0}. Requires 1 &lt;= rows &lt;= MR,
     * 1 &lt;= cols &lt;= NR, kc &gt;= 1. tile: scratch of at least MR * NR floats, through which the
     * accumulators may pass on their way to C.
     */
    void multiply(float[] a, int aRow0, int lda, int rows, float[] bp, int bOff, int ldbp, int kc,
                  float alpha, float beta, float[] c, int cOff, int ldc, int cols, float[] tile);

    /**
     * As {@link #multiply}, with A packed column-interleaved: ap holds [kc, MR] from aOff
     * (element (i, p) at {@code aOff + p * MR + i}), so every step reads one contiguous group
     * and needs no address arithmetic per row; B always packed (row stride NR).
     */
    void multiplyPacked(float[] ap, int aOff, int rows, float[] bp, int bOff, int kc,
                        float alpha, float beta, float[] c, int cOff, int ldc, int cols, float[] tile);
}
