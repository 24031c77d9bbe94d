package io.isthmus.kernels.gemm;

import io.isthmus.kernels.Threads;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per shape, the faster of SIMD and OpenBLAS on the machine that runs, as measured there.
 *
 * <p>Each call is put in a {@link ShapeClass} (layout, thread count bucket, power-of-two buckets
 * of m, n and k; an int computed and looked up without allocating). The first call of a class
 * decides for it, once, and the decision holds for the rest of the process: SIMD and OpenBLAS
 * sum in different orders, so switching later would make results depend on when the switch
 * happened, and training runs must repeat bit for bit. In that first call, before the product
 * itself runs:
 * <ol>
 *   <li>products of at most {@link #UNMEASURED_WORK} multiply-adds go to SIMD unmeasured (the
 *       Panama downcall alone costs more than their arithmetic);</li>
 *   <li>a decision this machine measured in an earlier process ({@link DecisionCache}, keyed by
 *       CPU, JVM, vector width, OpenBLAS build and core and the {@code OPENBLAS_*} environment) is
 *       taken as it is;</li>
 *   <li>otherwise both run on private buffers of the call's shape ({@link GemmProbe}: SIMD first
 *       brought to compiled speed, then each timed until SIMD's times settle) and the faster is
 *       chosen; within {@link #MARGIN} of each other, the static rule below breaks the tie. The
 *       decision is written to the cache file. This costs a few calls of each backend (a few ms
 *       for the MLP's shapes) once the SIMD kernels are compiled; in a fresh JVM the first class
 *       also waits for that compilation (1-2 s), which {@code Kernels.warmUp()} starts early;</li>
 *   <li>when no trustworthy timing comes out (the kernels did not compile within the probe's
 *       budget, or the operands would need more than 64 MB of private copies), the static rule
 *       {@link #prefersBlas(boolean, boolean, int, int, int, int)} decides: crossovers measured on
 *       the reference machine of bench/README.md.</li>
 * </ol>
 * Each decision is logged at DEBUG level and listed by {@link #decisions()}.
 */
public final class AutoGemm implements Gemm {

    /** Products up to this many multiply-adds run on SIMD without a measurement. */
    static final long UNMEASURED_WORK = 1 << 12;
    /** Timings closer than this (relative) count as a tie, decided by the static rule. */
    static final double MARGIN = 0.03;
    /** After this many probes in a row without a timing (no C2, say), the process stops probing. */
    private static final int FAILED_PROBES_TO_STOP = 2;
    private static final System.Logger LOG = System.getLogger("io.isthmus");

    private final Gemm simd;
    private final Gemm blas;
    private final ShapeTimer timer;
    private final DecisionCache cache;
    private final DecisionTable table = new DecisionTable();
    private final Map<Integer, GemmDecision> decisions = new LinkedHashMap<>();
    private int failedProbes;

    /** Measures in this process only (no decision file). */
    public AutoGemm(Gemm simd, Gemm blas) {
        this(simd, blas, new GemmProbe(simd, blas), DecisionCache.none());
    }

    /**
     * Measures and keeps decisions in the cache file for {@code machineKey} (see
     * {@link DecisionCache}); {@code simdBits}, {@code blasConfig} and {@code blasCore} go into the key.
     */
    public static AutoGemm persistent(Gemm simd, Gemm blas, int simdBits, String blasConfig, String blasCore) {
        return new AutoGemm(simd, blas, new GemmProbe(simd, blas),
                DecisionCache.configured(MachineKey.of(simdBits, blasConfig, blasCore)));
    }

    AutoGemm(Gemm simd, Gemm blas, ShapeTimer timer, DecisionCache cache) {
        this.simd = simd;
        this.blas = blas;
        this.timer = timer;
        this.cache = cache;
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        Gemm chosen = usesBlas(transA, transB, m, n, k) ? blas : simd;
        chosen.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /** The backend for this call: the class's decision, made now if it is the class's first call. */
    boolean usesBlas(boolean transA, boolean transB, int m, int n, int k) {
        if (m == 0 || n == 0 || k == 0 || (long) m * n * k <= UNMEASURED_WORK) {
            return false;
        }
        int key = ShapeClass.of(transA, transB, m, n, k, Threads.count());
        int known = table.get(key);
        if (known != DecisionTable.ABSENT) {
            return known == DecisionTable.BLAS;
        }
        return decide(key, transA, transB, m, n, k).usesBlas();
    }

    /** Serialized: one probe at a time, and a class racing on two threads is decided once. */
    private synchronized GemmDecision decide(int key, boolean transA, boolean transB, int m, int n, int k) {
        GemmDecision made = decisions.get(key);
        if (made != null) {
            return made;
        }
        GemmDecision decision = cache.lookup(key);
        if (decision == null) {
            decision = measure(key, transA, transB, m, n, k);
        }
        decisions.put(key, decision);
        table.put(key, decision.usesBlas());
        GemmDecision logged = decision;
        LOG.log(System.Logger.Level.DEBUG, () -> "isthmus: auto GEMM " + logged);
        return decision;
    }

    private GemmDecision measure(int key, boolean transA, boolean transB, int m, int n, int k) {
        int threads = Threads.count();
        boolean rule = prefersBlas(transA, transB, m, n, k, threads);
        ShapeTimer.Timings t = failedProbes >= FAILED_PROBES_TO_STOP ? null : timer.time(transA, transB, m, n, k);
        if (t == null) {
            failedProbes++;
            return new GemmDecision(key, m, n, k, -1, -1, rule, GemmDecision.Source.FALLBACK);
        }
        failedProbes = 0;
        boolean usesBlas = choose(t.simdNanos(), t.blasNanos(), rule);
        GemmDecision decision = new GemmDecision(key, m, n, k, t.simdNanos(), t.blasNanos(), usesBlas,
                GemmDecision.Source.MEASURED);
        cache.record(decision);
        return decision;
    }

    /** The faster, unless they are within {@link #MARGIN}: then the static rule's choice. */
    static boolean choose(long simdNanos, long blasNanos, boolean ruleSaysBlas) {
        if (blasNanos * (1 + MARGIN) < simdNanos) {
            return true;
        }
        if (simdNanos * (1 + MARGIN) < blasNanos) {
            return false;
        }
        return ruleSaysBlas;
    }

    /** Every decision this instance has made, in the order of the classes' first calls. */
    public synchronized List<GemmDecision> decisions() {
        return new ArrayList<>(decisions.values());
    }

    /**
     * Brings the SIMD GEMM to compiled speed in all four layouts on this (the caller's) thread, so
     * that the first measurement need not wait for the JIT; a no-op once compiled. For a background
     * thread started before data loading ({@code Kernels.warmUp()}).
     */
    public void compileSimd() {
        if (timer instanceof GemmProbe probe) {
            for (int layout = 0; layout < 4; layout++) {
                probe.compile((layout & 1) != 0, (layout & 2) != 0, 64, 64, 64, GemmProbe.COMPILE_BUDGET_NANOS);
            }
        }
    }

    /** Products at most this big (m * n * k) run on SIMD: the Panama call costs more than the work. */
    static final long TINY_WORK = 8 * 8 * 8;
    /** On two or more threads, SIMD up to this much work (256^3 = 64x256x1024 = 2^24): its hand-off is cheaper. */
    static final long PARALLEL_SIMD_WORK = 1L << 24;
    /** On any thread count, SIMD for products this big at most (512^3) whose m and n are both at least SQUARE_SIDE. */
    static final long SQUARE_SIMD_WORK = 1L << 27;
    static final int SQUARE_SIDE = 256;

    /**
     * The static fallback, for classes no timing could be made for: crossovers measured once on
     * one machine (GemmBenchmark, JMH, simd/blas time ratios on the 2-core Sapphire Rapids
     * reference machine, OpenBLAS 0.3.21 with its SkylakeX kernels), which another CPU or OpenBLAS
     * build need not share. Also the tie-breaker when both measure within {@link #MARGIN}:
     * <ul>
     *   <li>tiny products and tall skinny ones (m &gt;= 4096, n and k at most 64): SIMD (65536x27x32:
     *       1.3x OpenBLAS on one thread, 2.8x on two, where OpenBLAS does not split the rows);</li>
     *   <li>square-ish products up to 512^3 (m, n &gt;= 256): SIMD (one thread: 256^3 1.05-1.17x,
     *       512^3 0.95-1.07x; two: 256^3 1.2-1.3x, 512^3 0.99-1.13x);</li>
     *   <li>two or more threads: SIMD also for products it splits across threads, from
     *       {@link Threads#SIMD_GEMM_SPLIT_WORK} (64^3) up to 2^24 (64^3 1.1-1.2x, 128^3 1.6-1.8x,
     *       64x256x1024 1.05-1.1x); OpenBLAS for the rest (128x784x256 0.84-0.90x, 1024^3
     *       0.81-0.90x, 2048^3 0.83-0.88x). Smaller products run on one thread either way, so
     *       they follow the one-thread rule: the same kernels as on one thread, and no SIMD
     *       kernel that is cold only because more threads were allowed;</li>
     *   <li>one thread: OpenBLAS for the rest (64^3 0.82-0.91x, 128^3 0.85-0.94x, 64x256x1024
     *       0.85-0.95x, 128x784x256 0.98-1.03x, 1024^3 0.90-0.92x, 2048^3 0.86x).</li>
     * </ul>
     */
    static boolean prefersBlas(int m, int n, int k, int threads) {
        long work = (long) m * n * k;
        if (work <= TINY_WORK) {
            return false;
        }
        boolean tallSkinny = m >= 4096 && n <= 64 && k <= 64;
        if (tallSkinny) {
            return false;
        }
        boolean squareMidSize = Math.min(m, n) >= SQUARE_SIDE && work <= SQUARE_SIMD_WORK;
        if (squareMidSize) {
            return false;
        }
        return threads <= 1 || work < Threads.SIMD_GEMM_SPLIT_WORK || work > PARALLEL_SIMD_WORK;
    }

    /**
     * The static rule with the operands' layout: on two or more threads, products with a transposed
     * operand (a Linear layer's forward x W^T and weight gradient dy^T x) go to OpenBLAS where
     * {@link #prefersBlas(int, int, int, int)}, measured on untransposed products, would pick
     * SIMD for being small. Measured on a quiet machine with two threads: x W^T at 32x128x784
     * SIMD 106 us vs OpenBLAS 57 us, 128x128x784 258 vs 130 us; and a whole 784-128-10 MLP
     * epoch at batch 128 took 0.29-0.32 s with the two libraries' thread pools taking turns
     * (each spins on the second core after its product) against 0.26-0.28 s on OpenBLAS alone.
     */
    static boolean prefersBlas(boolean transA, boolean transB, int m, int n, int k, int threads) {
        long work = (long) m * n * k;
        boolean smallOnSeveralThreads = threads > 1 && work > TINY_WORK && work <= PARALLEL_SIMD_WORK
                && !(m >= 4096 && n <= 64 && k <= 64) && Math.min(m, n) < SQUARE_SIDE;
        if ((transA || transB) && smallOnSeveralThreads) {
            return true;
        }
        return prefersBlas(m, n, k, threads);
    }

    @Override
    public String name() {
        return "auto";
    }
}
