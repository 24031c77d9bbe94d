package io.isthmus.kernels.rnn;

import io.isthmus.kernels.Threads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The fused kernels against the scalar twin, every cell, both directions, with and without
 * biases and initial states, on awkward sizes: outputs, final states and every gradient.
 */
class FastRecurrentTest {

    private static final double ATOL = 2e-5;
    private static final double RTOL = 2e-4;
    private final int threadsBefore = Threads.count();

    @AfterEach
    void restoreThreads() {
        Threads.set(threadsBefore);
    }

    /** {T, B, I, H}. */
    private static final int[][] SIZES = {{1, 1, 1, 1}, {1, 1, 3, 7}, {2, 1, 3, 7}, {13, 5, 3, 7}, {4, 3, 17, 1},
            {7, 2, 33, 17}, {5, 17, 8, 16}, {3, 33, 40, 24}};

    record Case(Cell cell, int[] sizes, boolean reverse, boolean bias, boolean initial, boolean upstreamStates) {
        @Override
        public String toString() {
            return cell.label() + " T,B,I,H=" + java.util.Arrays.toString(sizes) + (reverse ? " reverse" : "")
                    + (bias ? " bias" : " no-bias") + (initial ? " h0" : "") + (upstreamStates ? " dhT" : "");
        }
    }

    static Stream<Case> cases() {
        List<Case> all = new ArrayList<>();
        int variant = 0;
        for (Cell cell : Cell.values()) {
            for (int[] sizes : SIZES) {
                for (boolean reverse : new boolean[]{false, true}) {
                    // bias, initial state and upstream state gradients cycle through their combinations
                    int v = variant++;
                    all.add(new Case(cell, sizes, reverse, v % 2 == 0, (v / 2) % 2 == 0, (v / 4) % 2 == 0));
                    all.add(new Case(cell, sizes, reverse, v % 2 != 0, (v / 2) % 2 != 0, (v / 4) % 2 != 0));
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void fusedMatchesTheScalarTwin(Case c) {
        compare(c);
    }

    @Test
    void twoThreadsMatchTheScalarTwin() {
        Threads.set(2);
        assertTrue(110 * 300 >= FastRecurrent.PARALLEL_GATES, "the smallest cell (G = 1) splits");
        for (Cell cell : Cell.values()) {
            // B * G * H >= FastRecurrent.PARALLEL_GATES for every cell: the step passes split by sample.
            // Among 33000 relu units some sit within float rounding of the kink, where the float
            // and double sums can fall on either side: relu is compared with the fused kernels on
            // one thread instead, whose sums round alike.
            RecurrentKernel oracle = cell == Cell.RNN_RELU ? RecurrentKernel.fast() : RecurrentKernel.scalar();
            compare(new Case(cell, new int[]{3, 110, 16, 300}, false, true, true, true), oracle, 1);
            compare(new Case(cell, new int[]{2, 111, 5, 301}, true, true, true, false), oracle, 1);
        }
    }

    private static void compare(Case c) {
        compare(c, RecurrentKernel.scalar(), Threads.count());
    }

    /** The fast kernels on the current thread budget against {@code oracle} run on {@code oracleThreads}. */
    private static void compare(Case c, RecurrentKernel oracle, int oracleThreads) {
        int[] z = c.sizes;
        RecurrentShape s = new RecurrentShape(c.cell, z[0], z[1], z[2], z[3], c.reverse);
        SplittableRandom random = new SplittableRandom(java.util.Arrays.hashCode(z) * 31L + c.toString().hashCode());
        float bound = (float) (1 / Math.sqrt(s.hidden()));
        float[] x = uniform(random, s.inputSize(), 1);
        RecurrentWeights w = new RecurrentWeights(uniform(random, s.weightIhSize(), bound),
                uniform(random, s.weightHhSize(), bound),
                c.bias ? uniform(random, s.gateWidth(), bound) : null,
                c.bias ? uniform(random, s.gateWidth(), bound) : null);
        boolean lstm = c.cell.hasCellState();
        float[] h0 = c.initial ? uniform(random, s.stateSize(), 1) : null;
        float[] c0 = c.initial && lstm ? uniform(random, s.stateSize(), 1) : null;
        float[] dOut = uniform(random, s.outputSize(), 1);
        float[] dhT = c.upstreamStates ? uniform(random, s.stateSize(), 1) : null;
        float[] dcT = c.upstreamStates && lstm ? uniform(random, s.stateSize(), 1) : null;

        Run fast = run(RecurrentKernel.fast(), s, x, w, h0, c0, dOut, dhT, dcT);
        int threads = Threads.count();
        Threads.set(oracleThreads);
        Run scalar = run(oracle, s, x, w, h0, c0, dOut, dhT, dcT);
        Threads.set(threads);
        String what = c + ": ";
        assertClose(what + "out", scalar.out, fast.out);
        assertClose(what + "hT", scalar.hT, fast.hT);
        if (lstm) {
            assertClose(what + "cT", scalar.cT, fast.cT);
        }
        assertClose(what + "dx", scalar.g.dx(), fast.g.dx());
        assertClose(what + "dW_ih", scalar.g.dIh(), fast.g.dIh());
        assertClose(what + "dW_hh", scalar.g.dHh(), fast.g.dHh());
        assertClose(what + "dh0", scalar.g.dh0(), fast.g.dh0());
        if (c.bias) {
            assertClose(what + "db_ih", scalar.g.dBiasIh(), fast.g.dBiasIh());
            assertClose(what + "db_hh", scalar.g.dBiasHh(), fast.g.dBiasHh());
        }
        if (lstm) {
            assertClose(what + "dc0", scalar.g.dc0(), fast.g.dc0());
        }
    }

    private record Run(float[] out, float[] hT, float[] cT, RecurrentGrads g) {
    }

    private static Run run(RecurrentKernel kernel, RecurrentShape s, float[] x, RecurrentWeights w, float[] h0,
                           float[] c0, float[] dOut, float[] dhT, float[] dcT) {
        boolean lstm = s.cell().hasCellState();
        float[] out = new float[s.outputSize()];
        float[] hT = new float[s.stateSize()];
        float[] cT = lstm ? new float[s.stateSize()] : null;
        float[] saved = new float[s.savedSize()];
        kernel.forward(s, x, w, h0, c0, out, hT, cT, saved);
        // gradient arrays start as NaN: each must be written whole
        RecurrentGrads g = new RecurrentGrads(nan(s.inputSize()), nan(s.weightIhSize()), nan(s.weightHhSize()),
                w.biasIh() == null ? null : nan(s.gateWidth()), w.biasHh() == null ? null : nan(s.gateWidth()),
                nan(s.stateSize()), lstm ? nan(s.stateSize()) : null);
        kernel.backward(s, x, w, h0, c0, out, saved, dOut, dhT, dcT, g);
        return new Run(out, hT, cT, g);
    }

    @Test
    void forwardWithoutSavedMatchesForwardWithSaved() {
        for (Cell cell : Cell.values()) {
            RecurrentShape s = new RecurrentShape(cell, 5, 3, 4, 7, false);
            SplittableRandom random = new SplittableRandom(5);
            float[] x = uniform(random, s.inputSize(), 1);
            RecurrentWeights w = new RecurrentWeights(uniform(random, s.weightIhSize(), 0.4f),
                    uniform(random, s.weightHhSize(), 0.4f), uniform(random, s.gateWidth(), 0.4f), null);
            float[] a = new float[s.outputSize()];
            float[] b = new float[s.outputSize()];
            RecurrentKernel.fast().forward(s, x, w, null, null, a, null, null, new float[s.savedSize()]);
            RecurrentKernel.fast().forward(s, x, w, null, null, b, null, null, null);
            assertClose(cell + " out", a, b);
        }
    }

    @Test
    void rejectsArraysOfTheWrongLength() {
        RecurrentShape s = new RecurrentShape(Cell.GRU, 2, 3, 4, 5, false);
        RecurrentWeights w = new RecurrentWeights(new float[s.weightIhSize()], new float[s.weightHhSize()], null, null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RecurrentKernel.fast()
                .forward(s, new float[s.inputSize() + 1], w, null, null, new float[s.outputSize()], null, null, null));
        assertTrue(e.getMessage().contains("x holds 25 floats") && e.getMessage().contains("needs 24"), e.getMessage());
        RecurrentWeights shortHh = new RecurrentWeights(new float[s.weightIhSize()], new float[3], null, null);
        e = assertThrows(IllegalArgumentException.class, () -> RecurrentKernel.scalar()
                .forward(s, new float[s.inputSize()], shortHh, null, null, new float[s.outputSize()], null, null, null));
        assertTrue(e.getMessage().contains("weight_hh holds 3 floats"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RecurrentKernel.fast().forward(s, new float[s.inputSize()],
                w, null, new float[s.stateSize()], new float[s.outputSize()], null, null, null));
        assertTrue(e.getMessage().contains("only LSTM has a cell state"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new RecurrentShape(Cell.LSTM, 0, 3, 4, 5, false));
        assertTrue(e.getMessage().contains("[0, 3, 4]"), e.getMessage());
    }

    private static float[] uniform(SplittableRandom random, int n, float bound) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
        }
        return v;
    }

    private static float[] nan(int n) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, Float.NaN);
        return v;
    }

    private static void assertClose(String what, float[] expected, float[] actual) {
        if (expected.length != actual.length) {
            fail(what + ": length " + actual.length + ", expected " + expected.length);
        }
        for (int i = 0; i < expected.length; i++) {
            double diff = Math.abs(expected[i] - actual[i]);
            if (!(diff <= ATOL + RTOL * Math.abs(expected[i]))) {
                fail(what + "[" + i + "]: " + actual[i] + ", expected " + expected[i] + " (|diff| " + diff + ")");
            }
        }
    }
}
