package io.isthmus.kernels.gemm;

import io.isthmus.kernels.Threads;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Per shape, the faster of SIMD and OpenBLAS on the machine that runs, as measured there.
 *
 * <p>Each call is put in a {@link ShapeClass} (layout, thread count bucket, power-of-two buckets
 * of m, n and k; an int computed and looked up without allocating). The first call of a class
 * fixes its backend for the rest of the process: SIMD and OpenBLAS sum in different orders, so a
 * switch would make results depend on when it happened, and two runs in one process (a resumed
 * training and an uninterrupted one, say) must agree bit for bit. That first call decides, before
 * the product itself runs, by the first of:
 * <ol>
 *   <li>at most {@link #UNMEASURED_WORK} multiply-adds: SIMD, unmeasured (the Panama downcall
 *       alone costs more than the arithmetic);</li>
 *   <li>a decision an earlier process settled in the {@link DecisionCache decision file} of this
 *       machine and configuration ({@link MachineKey}): taken as it is, compiled or not;</li>
 *   <li>SIMD not compiled yet for this shape ({@link GemmWarmup}: its layout, then a pilot of
 *       the shape, on a background thread this call asks for): <em>provisionally</em>, the
 *       settled one-thread decision of the same shape when this is a multi-threaded class and
 *       the file has one, else OpenBLAS. The call does not wait for the JIT (1-2.5 s for the
 *       first layout in a fresh JVM on the 2-core machine): OpenBLAS is native code, at full
 *       speed from its first call. The one-thread decision is there because a multi-threaded
 *       class rarely settles (its probes must be quiet, and a training process on every core
 *       never is), so without it every process ran its multi-threaded products on OpenBLAS
 *       (measured: a W8 GPT step on two threads no faster than on one, a quarter of its time in
 *       OpenBLAS's Haswell kernels, where the one-thread classes had settled on SIMD);</li>
 *   <li>operands too large for a probe's private copies ({@link GemmProbe#MAX_FLOATS}): OpenBLAS;</li>
 *   <li>otherwise a {@link GemmProbe probe} times both on private buffers of the call's shape
 *       (6 ms, 18 ms when a backend splits the product across threads, about three calls of a
 *       product above 512^3), and {@link #judge the rule} decides. A probe that found SIMD's code
 *       uncompiled after all (more than {@link GemmWarmup#COLD_RATIO} times OpenBLAS's time) is
 *       not trusted: OpenBLAS, provisionally.</li>
 * </ol>
 *
 * <p>The rule: OpenBLAS if its best time beats SIMD's by more than {@link #MARGIN}, else SIMD,
 * the default (pure JVM, no native call; within 3% of the faster when it loses).
 *
 * <p>What is written to the decision file: a decision is <em>settled</em>, and written, when two
 * {@linkplain #judge conclusive} probes of the class, at least {@link #RETRY_NANOS} apart, give
 * the same backend. One probe is never enough: a process elsewhere on the machine can slow either
 * backend for seconds, and the file would keep that for every later process. A probe is
 * conclusive when it was {@linkplain ShapeTimer.Timings#quiet quiet}, or when SIMD won against
 * a single-threaded OpenBLAS: what ran meanwhile could only have slowed SIMD. (The JIT compiles
 * without a pause through a program's first seconds: waiting for quiet alone, a short program
 * would never settle anything.) A class keeps its backend for the process, and while it is not
 * settled its calls time it again, once SIMD is compiled for it (and, for a product OpenBLAS
 * splits, once the process is quiet): at most {@link #PROBES} probes in all, the second
 * {@link #RETRY_NANOS} after the first and each further one after twice the wait before, at most
 * {@link #MAX_WAIT_NANOS}. In between, its calls look at most every {@link #CHECK_NANOS}.
 *
 * <p>So the first process on a machine (or after its OpenBLAS or {@code OPENBLAS_*} settings
 * changed) may run some classes on OpenBLAS, or on a timing made under load, and later processes
 * start from settled decisions. {@link #prepare} decides a class before its first call from a
 * probe on a compiled, quiet JVM (GemmBenchmark does). Each decision is logged at DEBUG level,
 * each later probe at TRACE, and {@link #decisions()} lists them.
 */
public final class AutoGemm implements Gemm {

    /** Products up to this many multiply-adds run on SIMD without a measurement. */
    static final long UNMEASURED_WORK = 1 << 12;
    /** OpenBLAS must be faster than SIMD by more than this (relative) to be chosen. */
    static final double MARGIN = 0.03;
    /** Probes of a class, at most, in all (its first call's included). */
    static final int PROBES = 8;
    /** Before the second of them; the wait doubles before each further one, up to {@link #MAX_WAIT_NANOS}. */
    static final long RETRY_NANOS = 200_000_000L;
    static final long MAX_WAIT_NANOS = 3_200_000_000L;
    /** A class still unsettled this long after its first call is left so (nothing written). */
    static final long PENDING_NANOS = 60_000_000_000L;
    /** While the warm-up runs or the process is not quiet, unsettled classes look again this often. */
    static final long CHECK_NANOS = 10_000_000L;
    private static final System.Logger LOG = System.getLogger("io.isthmus");

    private final Gemm simd;
    private final Gemm blas;
    private final ShapeTimer timer;
    private final DecisionCache cache;
    private final LongSupplier nanoClock;
    private final DecisionTable table = new DecisionTable();
    private final Map<Integer, GemmDecision> decisions = new LinkedHashMap<>();
    /** Classes not settled yet. */
    private final Map<Integer, Unsettled> unsettled = new HashMap<>();
    /**
     * Calls of unsettled classes look at them again from this time on (nanoClock), so that the
     * calls in between cost a clock read: a class can stay unsettled for seconds.
     */
    private volatile long nextCheck = Long.MAX_VALUE;

    /** Measures in this process only (no decision file). */
    public AutoGemm(Gemm simd, Gemm blas) {
        this(simd, blas, new GemmProbe(simd, blas), DecisionCache.none());
    }

    /**
     * Measures and keeps settled decisions in the decision file for this machine (see
     * {@link DecisionCache}); {@code simdBits}, {@code blasConfig} and {@code blasCore} go into
     * its {@link MachineKey}. Calls run {@code simd}; probes and the warm-up time {@code simdTimed},
     * the same GEMM on its vector code always (calls may run a stopgap while that compiles).
     */
    public static AutoGemm persistent(Gemm simd, Gemm simdTimed, Gemm blas, int simdBits, String blasConfig,
                                      String blasCore) {
        return new AutoGemm(simd, blas, new GemmProbe(simdTimed, blas),
                DecisionCache.configured(MachineKey.of(simdBits, blasConfig, blasCore)));
    }

    AutoGemm(Gemm simd, Gemm blas, ShapeTimer timer, DecisionCache cache) {
        this(simd, blas, timer, cache, System::nanoTime);
    }

    /** With the clock that spaces the probes (tests pass their own). */
    AutoGemm(Gemm simd, Gemm blas, ShapeTimer timer, DecisionCache cache, LongSupplier nanoClock) {
        this.simd = simd;
        this.blas = blas;
        this.timer = timer;
        this.cache = cache;
        this.nanoClock = nanoClock;
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        Gemm chosen = usesBlas(transA, transB, m, n, k) ? blas : simd;
        chosen.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    @Override
    public void sgemm(boolean transA, int m, float alpha, float[] a, int aOff, int lda, PreparedB b,
                      float beta, float[] c, int cOff, int ldc) {
        Gemm chosen = usesBlas(transA, b.transB(), m, b.n(), b.k()) ? blas : simd;
        chosen.sgemm(transA, m, alpha, a, aOff, lda, b, beta, c, cOff, ldc);
    }

    /** The backend for this call: the class's decision, made now if it is the class's first call. */
    boolean usesBlas(boolean transA, boolean transB, int m, int n, int k) {
        if (m == 0 || n == 0 || k == 0 || (long) m * n * k <= UNMEASURED_WORK) {
            return false;
        }
        int key = ShapeClass.of(transA, transB, m, n, k, Threads.count());
        int known = table.get(key);
        if (known == DecisionTable.ABSENT) {
            return decide(key, transA, transB, m, n, k).usesBlas();
        }
        if ((known & DecisionTable.PENDING) != 0 && nanoClock.getAsLong() - nextCheck >= 0) {
            probeAgain(key, transA, transB, m, n, k);
        }
        return (known & DecisionTable.BLAS) != 0;
    }

    /** Serialized: one probe at a time, and a class racing on two threads is decided once. */
    private synchronized GemmDecision decide(int key, boolean transA, boolean transB, int m, int n, int k) {
        GemmDecision made = decisions.get(key);
        if (made != null) {
            return made;
        }
        GemmDecision decision = cache.lookup(key);
        Unsettled state = null;
        if (decision == null) {
            timer.warmUp(transA, transB, m, n, k);
            long now = nanoClock.getAsLong();
            state = new Unsettled(now);
            decision = firstDecision(key, transA, transB, m, n, k, state);
            if (state.probes > 0) {
                state.notBefore = now + RETRY_NANOS;
            }
        }
        boolean pending = state != null && decision.source() != GemmDecision.Source.UNMEASURABLE;
        if (pending) {
            unsettled.put(key, state);
            nextCheck = Math.min(nextCheck, state.notBefore);
        }
        decisions.put(key, decision);
        table.put(key, decision.usesBlas(), pending);
        GemmDecision logged = decision;
        LOG.log(System.Logger.Level.DEBUG, () -> "isthmus: auto GEMM " + logged);
        return decision;
    }

    private GemmDecision firstDecision(int key, boolean transA, boolean transB, int m, int n, int k, Unsettled state) {
        if (!timer.ready(transA, transB, m, n, k)) {
            GemmDecision oneThread = cache.lookup(ShapeClass.of(transA, transB, m, n, k, 1));
            boolean blasFirst = oneThread == null || oneThread.usesBlas();
            return new GemmDecision(key, m, n, k, -1, -1, blasFirst, GemmDecision.Source.PROVISIONAL);
        }
        ShapeTimer.Timings t = timer.time(transA, transB, m, n, k);
        if (t == null) {
            return new GemmDecision(key, m, n, k, -1, -1, true, GemmDecision.Source.UNMEASURABLE);
        }
        state.probes++;
        Verdict verdict = judge(t, m, n, k);
        if (!verdict.trusted()) {
            return new GemmDecision(key, m, n, k, t.simdNanos(), t.blasNanos(), true, GemmDecision.Source.PROVISIONAL);
        }
        if (verdict.conclusive()) {
            state.vote = verdict.usesBlas();
        }
        return new GemmDecision(key, m, n, k, t.simdNanos(), t.blasNanos(), verdict.usesBlas(),
                GemmDecision.Source.MEASURED);
    }

    /**
     * A call of a class not settled yet: times it again when the SIMD GEMM is compiled and the
     * wait since the last probe is over (and, for a product OpenBLAS runs on several threads, the
     * process {@linkplain ShapeTimer#quiet quiet}: nothing else could be concluded), and writes the
     * decision when two conclusive probes agree. The class's backend in this process stays.
     */
    private void probeAgain(int key, boolean transA, boolean transB, int m, int n, int k) {
        boolean ready = timer.ready(transA, transB, m, n, k);
        synchronized (this) {
            Unsettled state = unsettled.get(key);
            long now = nanoClock.getAsLong();
            if (state == null) {
                return;
            }
            if (!ready) {
                checkAgain(now, CHECK_NANOS);
                return;
            }
            if (now - state.notBefore < 0) {
                checkAgain(now, 0);
                return;
            }
            if (now - state.since > PENDING_NANOS) {
                leaveUnsettled(key, "not settled within " + PENDING_NANOS / 1_000_000_000L + " s (never quiet enough)");
                return;
            }
            if (blasSplits(m, n, k) && !timer.quiet(m, n, k)) {
                checkAgain(now, CHECK_NANOS);
                return;
            }
            ShapeTimer.Timings t = timer.time(transA, transB, m, n, k);
            state.probes++;
            if (t == null) {
                leaveUnsettled(key, "operands too large to time");
                return;
            }
            Verdict verdict = judge(t, m, n, k);
            String times = String.format("simd %.1f us, blas %.1f us", t.simdNanos() / 1e3, t.blasNanos() / 1e3);
            String kind = !verdict.trusted() ? "SIMD uncompiled"
                    : verdict.conclusive() ? "conclusive" : "not conclusive";
            int probes = state.probes;
            LOG.log(System.Logger.Level.TRACE, () -> "isthmus: auto GEMM " + ShapeClass.describe(key) + " probe "
                    + probes + ": " + times + ", " + kind);
            if (verdict.conclusive()) {
                if (state.vote != null && state.vote == verdict.usesBlas()) {
                    GemmDecision settled = new GemmDecision(key, m, n, k, t.simdNanos(), t.blasNanos(),
                            verdict.usesBlas(), GemmDecision.Source.MEASURED);
                    cache.record(settled);
                    leaveUnsettled(key, settled.backend() + " (" + times + "), settled: written to the decision file");
                    return;
                }
                state.vote = verdict.usesBlas();
            }
            if (state.probes >= PROBES) {
                leaveUnsettled(key, "not settled after " + PROBES + " probes (last: " + times + ", " + kind + ")");
                return;
            }
            state.notBefore = nanoClock.getAsLong() + Math.min(MAX_WAIT_NANOS, RETRY_NANOS << (state.probes - 1));
            checkAgain(now, 0);
        }
    }

    /**
     * When calls of unsettled classes look again: at the earliest next probe time of any, and not
     * before {@code atLeast} from now (while the warm-up runs or the process is not quiet).
     */
    private void checkAgain(long now, long atLeast) {
        long next = Long.MAX_VALUE;
        for (Unsettled state : unsettled.values()) {
            next = Math.min(next, state.notBefore);
        }
        nextCheck = Math.max(next, now + atLeast);
    }

    private void leaveUnsettled(int key, String outcome) {
        unsettled.remove(key);
        table.clearPending(key);
        checkAgain(nanoClock.getAsLong(), 0);
        String inProcess = decisions.get(key).backend();
        LOG.log(System.Logger.Level.DEBUG, () -> "isthmus: auto GEMM " + ShapeClass.describe(key) + " (" + inProcess
                + " in this process): " + outcome);
    }

    /**
     * What a probe of an m x n x k product says: the backend; whether SIMD's time can be trusted
     * at all; and whether the probe is conclusive, so that it may help settle the decision.
     */
    record Verdict(boolean usesBlas, boolean trusted, boolean conclusive) {
    }

    /**
     * The rule (see the class comment): OpenBLAS when its best time beats SIMD's by more than
     * {@link #MARGIN}, else SIMD. Not trusted (and OpenBLAS) when SIMD took more than
     * {@link GemmWarmup#COLD_RATIO} times OpenBLAS's time, or was stopped as uncompiled.
     *
     * <p>Conclusive: trusted, and either quiet, or SIMD won against a single-threaded OpenBLAS.
     * Whatever else ran meanwhile could only have slowed SIMD: the JIT recompiling part of its
     * code (a branch first taken sends a method back to slower code for a while), compiler
     * threads or another process taking its second thread's core. OpenBLAS on one thread is
     * native code on the caller's core, timed on the caller's CPU clock when SIMD runs on one
     * thread too (see {@link GemmProbe}). OpenBLAS winning, or either winning while OpenBLAS ran
     * on several threads (slowed as much as SIMD), proves nothing unless the probe was quiet.
     */
    static Verdict judge(ShapeTimer.Timings t, int m, int n, int k) {
        if (t.blasNanos() < 0 || t.simdNanos() > GemmWarmup.COLD_RATIO * t.blasNanos()) {
            return new Verdict(true, false, false);
        }
        boolean usesBlas = t.blasNanos() * (1 + MARGIN) < t.simdNanos();
        return new Verdict(usesBlas, true, t.quiet() || !usesBlas && !blasSplits(m, n, k));
    }

    /** Whether OpenBLAS runs this product on several threads ({@link BlasGemm}). */
    private static boolean blasSplits(int m, int n, int k) {
        return Threads.count() > 1 && (long) m * n * k >= BlasGemm.PARALLEL_WORK;
    }

    /** Every decision this instance has made, in the order of the classes' first calls. */
    public synchronized List<GemmDecision> decisions() {
        return new ArrayList<>(decisions.values());
    }

    /**
     * Starts compiling the SIMD GEMM on a background thread (on this thread with
     * {@code -Disthmus.warmup=false}): the paths of the shapes the decision file puts on SIMD
     * first, then all four layouts, so that classes met from then on can be timed.
     */
    public void warmUp() {
        timer.warmUpAll();
        // The shapes the decision file puts on SIMD first: their first calls will run SIMD.
        for (GemmDecision cached : cache.all()) {
            if (!cached.usesBlas()) {
                int key = cached.shapeClass();
                timer.warmUp(ShapeClass.transA(key), ShapeClass.transB(key), cached.m(), cached.n(), cached.k());
            }
        }
    }

    /**
     * {@link #warmUp()}, then waits until that is done and the process quiet, at most
     * {@code timeout}: the classes the decision file puts on SIMD then run compiled from their
     * first call. (A class met for the first time still waits for its own pilot, provisionally
     * on OpenBLAS; {@link #prepare} decides one before its first call.) False if the time ran out
     * first.
     */
    public boolean awaitWarmUp(Duration timeout) {
        warmUp();
        return timer.awaitWarmUp(timeout.toNanos());
    }

    /**
     * Decides the class of this product now, blocking, from a probe made undisturbed: unless the
     * class is decided already (or tiny, or settled in the decision file), compiles the SIMD GEMM
     * of every layout and this shape's pilot, runs SIMD on the shape itself until its time has
     * held for a moment (within 3x of OpenBLAS, SIMD may still run code C2 is about to replace),
     * waits for the process to be quiet, and then decides as a first call does, at most
     * {@code timeout} for the waiting (after it, the decision is made anyway, perhaps
     * provisionally). For benchmarks, and programs that know their products and want them timed
     * before their first call.
     *
     * @return the class's decision; empty for products auto does not measure (at most
     *         {@link #UNMEASURED_WORK} multiply-adds)
     */
    public Optional<GemmDecision> prepare(boolean transA, boolean transB, int m, int n, int k, Duration timeout) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("GEMM dimensions must be non-negative, got m=" + m + ", n=" + n
                    + ", k=" + k);
        }
        if (m == 0 || n == 0 || k == 0 || (long) m * n * k <= UNMEASURED_WORK) {
            return Optional.empty();
        }
        int key = ShapeClass.of(transA, transB, m, n, k, Threads.count());
        synchronized (this) {
            if (decisions.containsKey(key) || cache.lookup(key) != null) {
                return Optional.of(decide(key, transA, transB, m, n, k));
            }
        }
        timer.prepare(transA, transB, m, n, k, timeout.toNanos());
        return Optional.of(decide(key, transA, transB, m, n, k));
    }

    @Override
    public String name() {
        return "auto";
    }

    /** A class not settled yet: its probes so far, the last quiet one's backend, and when the next may run. */
    private static final class Unsettled {
        final long since;
        int probes;
        Boolean vote;
        long notBefore;

        Unsettled(long since) {
            this.since = since;
            this.notBefore = since;
        }
    }
}
