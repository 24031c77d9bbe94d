package io.isthmus.ops;

import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

import java.util.Arrays;

/**
 * NumPy broadcasting walked as runs, without an index per element. A plan collapses the output
 * shape into groups of adjacent axes along which every operand either advances contiguously or
 * repeats one element; the last group is the run, walked with step 1 or 0 per operand, and the
 * groups before it are an outer loop that moves each operand's offset by its stride.
 *
 * <p>For x [N, C, H, W] op b [C, 1, 1] the groups are N (b repeats), C (both advance) and
 * H*W (b repeats): N*C runs of H*W elements, each against one scalar of b. For
 * [N, 1, W] op [1, C, 1] they are N, C and W, each repeating one side. Axes of size 1 in the
 * output are dropped. A plan takes up to three operands (a condition and two values in where).
 */
public final class Broadcast {

    private final int numel;
    /** Elements per run (the last group). */
    private final int run;
    /** Per operand: 1 when it advances along the run, 0 when the run repeats one of its elements. */
    private final int[] steps;
    /** Sizes of the groups before the run, outermost first. */
    private final int[] outerSizes;
    /** outerStrides[k][g]: how far operand k moves when outer group g advances by one. */
    private final int[][] outerStrides;

    private Broadcast(int numel, int run, int[] steps, int[] outerSizes, int[][] outerStrides) {
        this.numel = numel;
        this.run = run;
        this.steps = steps;
        this.outerSizes = outerSizes;
        this.outerStrides = outerStrides;
    }

    /** What a plan calls once per run: the offsets where the run starts in the output and in each operand (0 for absent ones). */
    @FunctionalInterface
    public interface Runs {
        void run(int outOff, int off0, int off1, int off2);
    }

    /** A binary function on one run: out[outOff + i] = f(x[xOff + i * xStep], y[yOff + i * yStep]) for i < n; steps are 0 or 1. */
    @FunctionalInterface
    public interface RunKernel {
        void apply(float[] x, int xOff, int xStep, float[] y, int yOff, int yStep, float[] out, int outOff, int n);
    }

    /**
     * The plan for broadcasting {@code operands} (one to three shapes) to {@code outShape}; each
     * operand must broadcast to it (right-aligned, every axis equal or 1).
     */
    public static Broadcast plan(int[] outShape, int[]... operands) {
        if (operands.length == 0 || operands.length > 3) {
            throw new IllegalArgumentException("a broadcast plan takes one to three operands, got " + operands.length);
        }
        int rank = outShape.length;
        for (int[] operand : operands) {
            requireBroadcastsTo("broadcast", operand, outShape);
        }
        int numel = Shape.numel(outShape);
        int ops = operands.length;
        // groups of adjacent output axes (size > 1) with the same advance/repeat pattern
        int[] sizes = new int[rank];
        boolean[][] advances = new boolean[rank][ops];
        int groups = 0;
        for (int d = 0; d < rank; d++) {
            if (outShape[d] == 1) {
                continue;
            }
            boolean[] pattern = new boolean[ops];
            for (int k = 0; k < ops; k++) {
                int dk = d - (rank - operands[k].length);
                pattern[k] = dk >= 0 && operands[k][dk] != 1;
            }
            if (groups > 0 && Arrays.equals(pattern, advances[groups - 1])) {
                sizes[groups - 1] *= outShape[d];
            } else {
                sizes[groups] = outShape[d];
                advances[groups] = pattern;
                groups++;
            }
        }
        int[] steps = new int[ops];
        if (groups == 0 || numel == 0) {
            // one element (or none): a single run of numel
            return new Broadcast(numel, Math.max(numel, 1), steps, new int[0], new int[ops][0]);
        }
        int[][] strides = new int[ops][groups];
        for (int k = 0; k < ops; k++) {
            int stride = 1;
            for (int g = groups - 1; g >= 0; g--) {
                if (advances[g][k]) {
                    strides[k][g] = stride;
                    stride *= sizes[g];
                }
            }
            steps[k] = advances[groups - 1][k] ? 1 : 0;
        }
        int[][] outerStrides = new int[ops][];
        for (int k = 0; k < ops; k++) {
            outerStrides[k] = Arrays.copyOf(strides[k], groups - 1);
        }
        return new Broadcast(numel, sizes[groups - 1], steps, Arrays.copyOf(sizes, groups - 1), outerStrides);
    }

    /** Checks that {@code shape} broadcasts to {@code outShape}; the error names {@code op} and both shapes. */
    static void requireBroadcastsTo(String op, int[] shape, int[] outShape) {
        if (!broadcastsTo(shape, outShape)) {
            throw new IllegalArgumentException(op + ": shape " + Shape.str(shape) + " does not broadcast to "
                    + Shape.str(outShape));
        }
    }

    /** True when {@code shape} broadcasts to {@code outShape}: right-aligned, every axis equal or 1, no more axes. */
    public static boolean broadcastsTo(int[] shape, int[] outShape) {
        if (shape.length > outShape.length) {
            return false;
        }
        for (int d = 0; d < shape.length; d++) {
            int out = outShape[outShape.length - shape.length + d];
            if (shape[d] != out && shape[d] != 1) {
                return false;
            }
        }
        return true;
    }

    /** Elements per run. */
    public int run() {
        return run;
    }

    /** 1 when operand k advances along a run, 0 when a run repeats one of its elements. */
    public int step(int k) {
        return steps[k];
    }

    /** Calls {@code runs} for every run, in output order. */
    public void forEachRun(Runs runs) {
        if (numel == 0) {
            return;
        }
        int ops = steps.length;
        int[] s0 = outerStrides[0];
        int[] s1 = ops > 1 ? outerStrides[1] : null;
        int[] s2 = ops > 2 ? outerStrides[2] : null;
        int outer = outerSizes.length;
        int[] counter = new int[outer];
        int off0 = 0;
        int off1 = 0;
        int off2 = 0;
        for (int outOff = 0; outOff < numel; outOff += run) {
            runs.run(outOff, off0, off1, off2);
            for (int g = outer - 1; g >= 0; g--) {
                if (++counter[g] < outerSizes[g]) {
                    off0 += s0[g];
                    off1 += s1 == null ? 0 : s1[g];
                    off2 += s2 == null ? 0 : s2[g];
                    break;
                }
                int back = outerSizes[g] - 1;
                off0 -= s0[g] * back;
                off1 -= s1 == null ? 0 : s1[g] * back;
                off2 -= s2 == null ? 0 : s2[g] * back;
                counter[g] = 0;
            }
        }
    }

    // ---- whole-array helpers -----------------------------------------------------------------

    /** out = f(x, y) with x: xShape and y: yShape broadcast to outShape (their broadcast), one kernel call per run. */
    public static void binary(float[] x, int[] xShape, float[] y, int[] yShape, float[] out, int[] outShape,
                              RunKernel kernel) {
        Broadcast plan = plan(outShape, xShape, yShape);
        int n = plan.run;
        int xStep = plan.steps[0];
        int yStep = plan.steps[1];
        plan.forEachRun((outOff, xOff, yOff, unused) -> kernel.apply(x, xOff, xStep, y, yOff, yStep, out, outOff, n));
    }

    /** {@code src} of shape {@code from} repeated to shape {@code to} (from broadcasts to to), written whole into dst. */
    public static void expandInto(float[] src, int[] from, int[] to, float[] dst) {
        Broadcast plan = plan(to, from);
        int n = plan.run;
        if (plan.steps[0] == 1) {
            plan.forEachRun((outOff, srcOff, u1, u2) -> System.arraycopy(src, srcOff, dst, outOff, n));
        } else {
            plan.forEachRun((outOff, srcOff, u1, u2) -> Arrays.fill(dst, outOff, outOff + n, src[srcOff]));
        }
    }

    /** {@code src} of shape {@code from} repeated to shape {@code to}, in a new array. */
    public static float[] expand(float[] src, int[] from, int[] to) {
        float[] out = new float[Shape.numel(to)];
        expandInto(src, from, to, out);
        return out;
    }

    /**
     * Sums {@code g} (shape {@code from}) down to {@code to}, a shape that broadcasts to from, in
     * a new array: runs that repeat one element of to add their sum into it, runs that advance add
     * elementwise.
     */
    public static float[] sumTo(float[] g, int[] from, int[] to) {
        float[] reduced = new float[Shape.numel(to)];
        Broadcast plan = plan(from, to);
        int n = plan.run;
        var k = Ops.kernels();
        if (plan.steps[0] == 1) {
            plan.forEachRun((gOff, toOff, u1, u2) -> k.axpy(1f, g, gOff, reduced, toOff, n));
        } else {
            plan.forEachRun((gOff, toOff, u1, u2) -> reduced[toOff] += k.sum(g, gOff, n));
        }
        return reduced;
    }

    // ---- the differentiable op ---------------------------------------------------------------

    /** x repeated to {@code shape} (x broadcasts to it); the gradient sums back over the repeats. */
    public static Tensor broadcastTo(Tensor x, int... shape) {
        int[] from = x.shape();
        int[] to = shape.clone();
        Shape.numel(to);
        requireBroadcastsTo("broadcastTo", from, to);
        return Tensor.result(expand(x.data(), from, to), to, "broadcast_to", (gradOut, grads) ->
                grads.give(x, sumTo(gradOut, to, from)), x);
    }

    /** Both shapes' broadcast, or an error naming {@code op} and both shapes. */
    static int[] shapes(String op, int[] a, int[] b) {
        try {
            return Shape.broadcast(a, b);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(op + ": " + e.getMessage(), e);
        }
    }
}
