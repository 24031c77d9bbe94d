package io.isthmus.ops;

import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;

import static io.isthmus.ops.Naive.rand;
import static io.isthmus.ops.Naive.source;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MathOpsTest {

    private static final int[][] SHAPES = {{1}, {7}, {17}, {3, 33}, {2, 1, 17}};

    /** Forward within float rounding of a double reference, on every awkward shape. */
    private static void forward(String what, UnaryOperator<Tensor> op, DoubleUnaryOperator reference, float low, float high) {
        long seed = what.hashCode();
        for (int[] shape : SHAPES) {
            Tensor x = rand(++seed, low, high, shape);
            Tensor y = op.apply(x);
            assertArrayEquals(shape, y.shape(), what);
            for (int i = 0; i < x.numel(); i++) {
                double expected = reference.applyAsDouble(x.data()[i]);
                double tolerance = 1e-6 * Math.max(1, Math.abs(expected));
                int at = i;
                assertTrue(Math.abs(y.data()[i] - expected) <= tolerance, () -> what + " " + Shape.str(shape) + " element "
                        + at + " of " + x.data()[at] + ": " + y.data()[at] + " vs " + expected);
            }
        }
    }

    @Test
    void forwardMatchesDoubleReference() {
        forward("exp", Tensor::exp, Math::exp, -3f, 3f);
        forward("log", Tensor::log, Math::log, 0.01f, 5f);
        forward("sqrt", Tensor::sqrt, Math::sqrt, 0f, 9f);
        forward("pow 3", t -> t.pow(3f), v -> v * v * v, -2f, 2f);
        forward("pow 2.5", t -> t.pow(2.5f), v -> Math.pow(v, 2.5), 0f, 3f);
        forward("pow -1", t -> t.pow(-1f), v -> 1 / v, 0.5f, 3f);
        forward("abs", Tensor::abs, Math::abs, -2f, 2f);
        forward("neg", Tensor::neg, v -> -v, -2f, 2f);
        forward("clamp", t -> t.clamp(-0.5f, 0.25f), v -> v < -0.5 ? -0.5 : Math.min(v, 0.25), -1f, 1f);
        forward("clamp min only", t -> t.clamp(0f, Float.POSITIVE_INFINITY), v -> Math.max(v, 0), -1f, 1f);
    }

    @Test
    void knownValues() {
        Tensor x = Tensor.of(new float[]{0f, 1f, 4f, -2f}, 4);
        assertArrayEquals(new float[]{1f, (float) Math.E}, Tensor.of(new float[]{0f, 1f}, 2).exp().data());
        assertArrayEquals(new float[]{Float.NEGATIVE_INFINITY, 0f}, Tensor.of(new float[]{0f, 1f}, 2).log().data());
        assertTrue(Float.isNaN(Tensor.of(new float[]{-1f}, 1).log().item()));
        assertArrayEquals(new float[]{0f, 1f, 2f}, Tensor.of(new float[]{0f, 1f, 4f}, 3).sqrt().data());
        assertArrayEquals(new float[]{0f, 1f, 64f, -8f}, x.pow(3f).data());
        assertArrayEquals(new float[]{1f, 1f, 1f, 1f}, x.pow(0f).data());
        assertArrayEquals(new float[]{0f, 1f, 4f, 2f}, x.abs().data());
        assertArrayEquals(new float[]{-0f, -1f, -4f, 2f}, x.neg().data());
        assertArrayEquals(new float[]{0f, 1f, 3f, -1f}, x.clamp(-1f, 3f).data());
        assertTrue(Float.isNaN(Tensor.of(new float[]{Float.NaN}, 1).clamp(0f, 1f).item()), "clamp keeps NaN");
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        GradCheck.check("exp", in -> in.get(0).exp(), List.of(rand(1, 3, 7)));
        GradCheck.check("log", in -> in.get(0).log(), List.of(rand(2, 0.5f, 3f, 3, 7)));
        GradCheck.check("sqrt", in -> in.get(0).sqrt(), List.of(rand(3, 0.5f, 3f, 17)));
        GradCheck.check("pow 3", in -> in.get(0).pow(3f), List.of(rand(4, 2, 7)));
        GradCheck.check("pow -0.5", in -> in.get(0).pow(-0.5f), List.of(rand(5, 0.5f, 2f, 7)));
        GradCheck.check("abs", in -> in.get(0).abs(), List.of(awayFrom(6, 0f, 3, 7)));
        GradCheck.check("neg", in -> in.get(0).neg(), List.of(rand(7, 17)));
        GradCheck.check("clamp", in -> in.get(0).clamp(-0.3f, 0.4f), List.of(awayFromBounds(8, -0.3f, 0.4f, 3, 7)));
    }

    @Test
    void powOfTwoTensorsBroadcasts() {
        int[][][] pairs = {{{3, 1, 7}, {5, 1}}, {{17}, {1}}, {{2, 7}, {2, 7}}, {{1}, {3, 7}}};
        long seed = 40;
        for (int[][] pair : pairs) {
            Tensor a = rand(++seed, 0.5f, 2f, pair[0]);
            Tensor b = rand(++seed, -2f, 2f, pair[1]);
            int[] out = Shape.broadcast(pair[0], pair[1]);
            Tensor y = a.pow(b);
            assertArrayEquals(out, y.shape());
            for (int i = 0; i < y.numel(); i++) {
                double expected = Math.pow(a.data()[source(pair[0], out, i)], b.data()[source(pair[1], out, i)]);
                assertEquals(expected, y.data()[i], 1e-6 * Math.max(1, Math.abs(expected)), Shape.str(out) + " element " + i);
            }
            GradCheck.check("pow " + Shape.str(pair[0]) + " ^ " + Shape.str(pair[1]), in -> in.get(0).pow(in.get(1)),
                    List.of(rand(++seed, 0.5f, 2f, pair[0]), rand(++seed, -2f, 2f, pair[1])));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> rand(1, 2, 3).pow(rand(2, 4)));
        assertTrue(e.getMessage().startsWith("pow") && e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4]"),
                e.getMessage());
    }

    @Test
    void gradientConventionsAtTheKinksFollowPyTorch() {
        // clamp: the gradient passes at the bounds themselves, stops outside
        Tensor x = Tensor.of(new float[]{-2f, -1f, 0f, 1f, 2f}, 5).requiresGrad(true);
        x.clamp(-1f, 1f).backward(new float[]{1f, 1f, 1f, 1f, 1f});
        assertArrayEquals(new float[]{0f, 1f, 1f, 1f, 0f}, x.grad());
        // abs: sign(0) = 0
        Tensor z = Tensor.of(new float[]{-3f, 0f, 2f}, 3).requiresGrad(true);
        z.abs().backward(new float[]{5f, 5f, 5f});
        assertArrayEquals(new float[]{-5f, 0f, 5f}, z.grad());
        // pow with exponent 0: gradient 0 everywhere, also at x = 0 (no 0 * infinity)
        Tensor p = Tensor.of(new float[]{0f, 2f}, 2).requiresGrad(true);
        p.pow(0f).backward(new float[]{1f, 1f});
        assertArrayEquals(new float[]{0f, 0f}, p.grad());
        // pow(a, b): d/db is 0 where a = 0 and b >= 0; d/da is 0 where b = 0
        Tensor base = Tensor.of(new float[]{0f, 0f, 2f}, 3).requiresGrad(true);
        Tensor exponent = Tensor.of(new float[]{0f, 2f, 0f}, 3).requiresGrad(true);
        base.pow(exponent).backward(new float[]{1f, 1f, 1f});
        assertArrayEquals(new float[]{0f, 0f, 0f}, base.grad());
        assertArrayEquals(new float[]{0f, 0f, (float) Math.log(2)}, exponent.grad());
        // sqrt: dy / (2 sqrt(x)), infinite at 0
        Tensor s = Tensor.of(new float[]{0f, 4f}, 2).requiresGrad(true);
        s.sqrt().backward(new float[]{1f, 1f});
        assertArrayEquals(new float[]{Float.POSITIVE_INFINITY, 0.25f}, s.grad());
        // neg is its own op
        assertEquals("neg", Tensor.of(new float[]{1f}, 1).requiresGrad(true).neg().node().op());
    }

    @Test
    void clampRejectsBoundsThatAreNotAnInterval() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> rand(1, 3).clamp(1f, -1f));
        assertTrue(e.getMessage().contains("1.0") && e.getMessage().contains("-1.0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> rand(1, 3).clamp(Float.NaN, 1f));
    }

    /** Uniform in [-1, 1) moved at least 0.1 away from {@code kink}. */
    static Tensor awayFrom(long seed, float kink, int... shape) {
        Tensor t = rand(seed, shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = d[i] >= kink ? d[i] + 0.1f : d[i] - 0.1f;
        }
        return t;
    }

    private static Tensor awayFromBounds(long seed, float low, float high, int... shape) {
        Tensor t = rand(seed, shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            if (Math.abs(d[i] - low) < 0.05f || Math.abs(d[i] - high) < 0.05f) {
                d[i] += 0.1f;
            }
        }
        return t;
    }
}
