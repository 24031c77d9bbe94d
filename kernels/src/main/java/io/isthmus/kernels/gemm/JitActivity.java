package io.isthmus.kernels.gemm;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/**
 * Whether the JIT has been compiling lately, from the JVM's accumulated compilation time (which
 * grows when a compilation ends; about 0.1 us to read). A probe timed while C2 compiles is timed
 * against it for the cores: on the 2-core reference machine, SIMD on two threads then measured
 * 318 us against 150-160 us on a quiet JVM (128x128x784, x W^T), and OpenBLAS on one thread
 * hardly changed, so such a probe would have settled on the slower backend.
 *
 * <p>Without the compilation-time counter (another JVM), the JIT always counts as quiet.
 */
final class JitActivity {

    private final CompilationMXBean compiler;
    private long lastTotal = -1;
    private long lastChange;

    JitActivity() {
        CompilationMXBean bean;
        try {
            bean = ManagementFactory.getCompilationMXBean();
        } catch (LinkageError | SecurityException e) {
            bean = null; // no java.management: no way to tell
        }
        compiler = bean != null && bean.isCompilationTimeMonitoringSupported() ? bean : null;
    }

    /** Milliseconds the JIT has compiled so far (0 when unknown). */
    long total() {
        return compiler == null ? 0 : compiler.getTotalCompilationTime();
    }

    /**
     * Whether no compilation has ended for {@code nanos}, as far as this instance has seen: the
     * first call, and every call that finds the counter moved, starts the quiet time anew.
     */
    synchronized boolean quietFor(long nanos) {
        if (compiler == null) {
            return true;
        }
        long total = compiler.getTotalCompilationTime();
        long now = System.nanoTime();
        if (total != lastTotal) {
            lastTotal = total;
            lastChange = now;
        }
        return now - lastChange >= nanos;
    }
}
