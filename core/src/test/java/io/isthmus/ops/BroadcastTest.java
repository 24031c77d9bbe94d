package io.isthmus.ops;

import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BinaryOperator;

import static io.isthmus.ops.Naive.rand;
import static io.isthmus.ops.Naive.source;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Broadcasting by runs against a per-element reference, on many shape pairs. */
class BroadcastTest {

    private static final int[] SIZES = {1, 2, 3, 7, 17};

    /** Shape pairs: the ones that matter by name, then generated ones where either side (or both) repeats. */
    static List<int[][]> pairs() {
        List<int[][]> pairs = new ArrayList<>(List.of(
                new int[][]{{2, 3, 5, 7}, {3, 1, 1}},
                new int[][]{{2, 1, 7}, {1, 3, 1}},
                new int[][]{{17, 7}, {7}},
                new int[][]{{7}, {17, 1}},
                new int[][]{{}, {3, 7}},
                new int[][]{{1}, {1}},
                new int[][]{{17, 7}, {1, 1}},
                new int[][]{{1, 17, 1, 7}, {3, 1, 2, 1}},
                new int[][]{{0, 3}, {3}},
                new int[][]{{2, 1, 3}, {2, 0, 1}},
                new int[][]{{1, 1, 17}, {17}},
                new int[][]{{3, 7, 1, 17}, {3, 1, 1, 17}}));
        SplittableRandom random = new SplittableRandom(2024);
        while (pairs.size() < 160) {
            int rank = random.nextInt(5);
            int[] out = new int[rank];
            for (int d = 0; d < rank; d++) {
                out[d] = SIZES[random.nextInt(SIZES.length)];
            }
            if (Shape.numel(out) > 6000) {
                continue;
            }
            pairs.add(new int[][]{operand(out, random), operand(out, random)});
        }
        return pairs;
    }

    /** A shape broadcasting to out: some leading axes dropped, some axes set to 1. */
    private static int[] operand(int[] out, SplittableRandom random) {
        int drop = random.nextInt(out.length + 1);
        int[] shape = Arrays.copyOfRange(out, random.nextInt(3) == 0 ? drop : 0, out.length);
        for (int d = 0; d < shape.length; d++) {
            if (random.nextInt(3) == 0) {
                shape[d] = 1;
            }
        }
        return shape;
    }

    private static String name(int[][] pair) {
        return Shape.str(pair[0]) + " op " + Shape.str(pair[1]);
    }

    /** b away from 0 (a divisor). */
    private static Tensor divisor(long seed, int[] shape) {
        Tensor t = rand(seed, 0.5f, 2f, shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i += 2) {
            d[i] = -d[i];
        }
        return t;
    }

    private record Kind(String name, BinaryOperator<Tensor> op, BinaryOperator<Float> scalar) {
    }

    private static final List<Kind> KINDS = List.of(
            new Kind("add", Tensor::add, (x, y) -> x + y),
            new Kind("sub", Tensor::sub, (x, y) -> x - y),
            new Kind("mul", Tensor::mul, (x, y) -> x * y),
            new Kind("div", Tensor::div, (x, y) -> x / y));

    @Test
    void arithmeticForwardIsBitIdenticalToThePerElementReference() {
        long seed = 0;
        for (int[][] pair : pairs()) {
            Tensor a = rand(++seed, pair[0]);
            Tensor b = divisor(++seed, pair[1]);
            int[] out = Shape.broadcast(pair[0], pair[1]);
            for (Kind kind : KINDS) {
                for (boolean swapped : new boolean[]{false, true}) {
                    Tensor x = swapped ? b : a;
                    Tensor y = swapped ? a : b;
                    Tensor result = kind.op.apply(x, y);
                    assertArrayEquals(out, result.shape(), kind.name + " " + name(pair));
                    float[] expected = new float[Shape.numel(out)];
                    for (int i = 0; i < expected.length; i++) {
                        expected[i] = kind.scalar.apply(x.data()[source(x.shape(), out, i)], y.data()[source(y.shape(), out, i)]);
                    }
                    assertArrayEquals(expected, result.data(), kind.name + " " + name(pair) + (swapped ? " swapped" : ""));
                }
            }
        }
    }

    @Test
    void arithmeticGradientsSumOverTheRepeats() {
        long seed = 100;
        for (int[][] pair : pairs()) {
            int[] out = Shape.broadcast(pair[0], pair[1]);
            for (Kind kind : KINDS) {
                Tensor a = rand(++seed, pair[0]).requiresGrad(true);
                Tensor b = divisor(++seed, pair[1]).requiresGrad(true);
                float[] upstream = rand(++seed, out).data();
                kind.op.apply(a, b).backward(upstream);
                double[] ga = new double[a.numel()];
                double[] gb = new double[b.numel()];
                for (int i = 0; i < upstream.length; i++) {
                    int ia = source(pair[0], out, i);
                    int ib = source(pair[1], out, i);
                    double x = a.data()[ia];
                    double y = b.data()[ib];
                    double g = upstream[i];
                    switch (kind.name) {
                        case "add" -> { ga[ia] += g; gb[ib] += g; }
                        case "sub" -> { ga[ia] += g; gb[ib] -= g; }
                        case "mul" -> { ga[ia] += g * y; gb[ib] += g * x; }
                        default -> { ga[ia] += g / y; gb[ib] -= g * x / (y * y); }
                    }
                }
                assertClose(ga, gradOf(a), kind.name + " da " + name(pair));
                assertClose(gb, gradOf(b), kind.name + " db " + name(pair));
            }
        }
    }

    private static float[] gradOf(Tensor t) {
        return t.grad() == null ? new float[t.numel()] : t.grad();
    }

    static void assertClose(double[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double tolerance = 1e-5 + 1e-4 * Math.abs(expected[i]);
            int at = i;
            assertTrue(Math.abs(expected[i] - actual[i]) <= tolerance,
                    () -> what + ": element " + at + " is " + actual[at] + ", expected " + expected[at]);
        }
    }

    @Test
    void sumToAndExpandMatchTheReference() {
        long seed = 300;
        for (int[][] pair : pairs()) {
            int[] out = Shape.broadcast(pair[0], pair[1]);
            for (int[] to : pair) {
                float[] g = rand(++seed, out).data();
                double[] summed = new double[Shape.numel(to)];
                for (int i = 0; i < g.length; i++) {
                    summed[source(to, out, i)] += g[i];
                }
                assertClose(summed, Broadcast.sumTo(g, out, to), "sumTo " + Shape.str(out) + " -> " + Shape.str(to));

                float[] small = rand(++seed, to).data();
                float[] expanded = new float[g.length];
                for (int i = 0; i < g.length; i++) {
                    expanded[i] = small[source(to, out, i)];
                }
                assertArrayEquals(expanded, Broadcast.expand(small, to, out), "expand " + Shape.str(to) + " -> " + Shape.str(out));
            }
        }
    }

    @Test
    void reductionsOverAxesMatchTheReference() {
        int[][] shapes = {{7}, {17, 7}, {1, 7, 17}, {3, 1, 7, 2}, {2, 17, 1, 3}};
        long seed = 500;
        for (int[] shape : shapes) {
            int rank = shape.length;
            for (int subset = 1; subset < (1 << rank); subset++) {
                int[] axes = new int[Integer.bitCount(subset)];
                int[] kept = shape.clone();
                for (int d = 0, j = 0; d < rank; d++) {
                    if ((subset & (1 << d)) != 0) {
                        axes[j++] = d - rank;   // negative axes too
                        kept[d] = 1;
                    }
                }
                int count = Shape.numel(shape) / Shape.numel(kept);
                for (boolean mean : new boolean[]{false, true}) {
                    Tensor x = rand(++seed, shape).requiresGrad(true);
                    Tensor y = mean ? Reductions.mean(x, axes, true) : Reductions.sum(x, axes, true);
                    assertArrayEquals(kept, y.shape());
                    double[] expected = new double[y.numel()];
                    for (int i = 0; i < x.numel(); i++) {
                        expected[source(kept, shape, i)] += x.data()[i] / (mean ? (double) count : 1.0);
                    }
                    String what = (mean ? "mean " : "sum ") + Shape.str(shape) + " over " + Arrays.toString(axes);
                    assertClose(expected, y.data(), what);
                    float[] upstream = rand(++seed, kept).data();
                    y.backward(upstream);
                    double[] dx = new double[x.numel()];
                    for (int i = 0; i < dx.length; i++) {
                        dx[i] = upstream[source(kept, shape, i)] / (mean ? (double) count : 1.0);
                    }
                    assertClose(dx, x.grad(), what + " backward");
                }
            }
        }
    }

    @Test
    void plansRunOverContiguousBlocksWithOneScalarPerBlock() {
        // x [N, C, H, W] op b [C, 1, 1]: runs of H*W, b repeats one value along each
        Broadcast bias = Broadcast.plan(new int[]{2, 3, 5, 7}, new int[]{2, 3, 5, 7}, new int[]{3, 1, 1});
        assertEquals(35, bias.run());
        assertEquals(1, bias.step(0));
        assertEquals(0, bias.step(1));
        // [N, C] op [C]: whole rows, both advancing
        Broadcast rows = Broadcast.plan(new int[]{17, 7}, new int[]{17, 7}, new int[]{7});
        assertEquals(7, rows.run());
        assertEquals(1, rows.step(1));
        // same shapes (and axes of 1): a single run over everything
        Broadcast same = Broadcast.plan(new int[]{3, 1, 7}, new int[]{3, 1, 7}, new int[]{3, 1, 7});
        assertEquals(21, same.run());
        // both sides repeating: [N, 1, W] op [1, C, 1], runs of W
        Broadcast both = Broadcast.plan(new int[]{2, 3, 7}, new int[]{2, 1, 7}, new int[]{1, 3, 1});
        assertEquals(7, both.run());
        assertEquals(1, both.step(0));
        assertEquals(0, both.step(1));
        List<int[]> starts = new ArrayList<>();
        both.forEachRun((outOff, aOff, bOff, unused) -> starts.add(new int[]{outOff, aOff, bOff}));
        assertEquals(6, starts.size());
        assertArrayEquals(new int[]{7 * 4, 7, 1}, starts.get(4), "run 4 = (n 1, c 1)");
    }

    @Test
    void broadcastToRepeatsAndSumsBack() {
        Tensor x = rand(1, 3, 1);
        Tensor y = Broadcast.broadcastTo(x, 2, 3, 7);
        assertArrayEquals(new int[]{2, 3, 7}, y.shape());
        for (int i = 0; i < y.numel(); i++) {
            assertEquals(x.data()[source(new int[]{3, 1}, new int[]{2, 3, 7}, i)], y.data()[i]);
        }
        GradCheck.check("broadcastTo", in -> Broadcast.broadcastTo(in.get(0), 2, 3, 7), List.of(rand(2, 3, 1)));
        GradCheck.check("broadcastTo both", in -> Broadcast.broadcastTo(in.get(0), 17, 1, 7), List.of(rand(3, 1, 7)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Broadcast.broadcastTo(rand(4, 3, 2), 3, 3));
        assertTrue(e.getMessage().contains("[3, 2]") && e.getMessage().contains("[3, 3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Broadcast.broadcastTo(rand(5, 2, 3), 3));
    }

    @Test
    void badPlansNameTheShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Broadcast.plan(new int[]{4, 3}, new int[]{2, 3}));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4, 3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Broadcast.plan(new int[]{3}, new int[]{1, 3}));
        IllegalArgumentException add = assertThrows(IllegalArgumentException.class, () -> rand(1, 2, 3).add(rand(2, 4)));
        assertTrue(add.getMessage().contains("[2, 3]") && add.getMessage().contains("[4]"), add.getMessage());
    }
}
