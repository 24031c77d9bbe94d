package io.isthmus.kernels.simd;

import io.isthmus.kernels.pool.FastPool;
import io.isthmus.kernels.pool.PoolShape;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.lang.invoke.MethodHandles;

/**
 * {@link FastPool} with max pooling on vector lanes when no window needs clipping (no padding):
 * one lane per output, the winner kept with blends. With horizontal stride 1 or 2 (nearly every
 * network) the lanes run along an output row and each tap is one load (stride 1) or two loads
 * and an even-lane shuffle (stride 2); other strides gather each tap over the plane's outputs.
 * Which tap wins is a coin toss on real activations, and the scalar loop's branch per tap
 * mispredicted so often that it cost about 10 ns an output; blends do not branch. Same winner
 * as the scalar scan (the first maximum, or the last NaN), so the same bits as {@code ScalarPool}.
 *
 * <p>A template like {@link SpeciesElementwise}: {@link SpeciesSpecializer#pool} defines a copy
 * per species, whose species, shuffle and lane steps are {@code static final} constants. With
 * them in instance fields the W6 CNN's pooling took twice as long (9.6% of a training step
 * against 5.2%).
 */
final class SimdPool extends FastPool {

    /** Float lanes hold every int up to 2^24 exactly: larger planes take the scalar path. */
    private static final int EXACT_FLOAT_INDEX = 1 << 24;

    private static final VectorSpecies<Float> FLOATS = SpeciesSpecializer.speciesOf(MethodHandles.lookup());
    private static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class, FLOATS.vectorShape());
    /** Lane k takes lane 2k of the pair (lo, hi): the even columns of 2L contiguous floats. */
    private static final VectorShuffle<Float> EVENS = VectorShuffle.fromOp(FLOATS, k -> 2 * k);
    /**
     * Offset of lane k's window from lane 0's, for horizontal strides 1 and 2. Indices ride in
     * float lanes (exact below 2^24, far above any plane) so that the float comparison's mask
     * blends them directly: casting that mask to int lanes is not compiled to vector code.
     */
    private static final FloatVector STRIDE_1_STEPS = FloatVector.zero(FLOATS).addIndex(1);
    private static final FloatVector STRIDE_2_STEPS = FloatVector.zero(FLOATS).addIndex(2);

    /** Only through {@link SpeciesSpecializer#pool}: the template has no species. */
    SimdPool() {
    }

    @Override
    public String name() {
        return "simd";
    }

    @Override
    public void maxForward(PoolShape g, float[] x, int xOff, float[] y, int yOff, int[] argmax, int argmaxOff) {
        if (g.ph() != 0 || g.pw() != 0 || g.inPlane() > EXACT_FLOAT_INDEX) {
            super.maxForward(g, x, xOff, y, yOff, argmax, argmaxOff);
            return;
        }
        int[] taps = tapOffsets(g);
        if (g.sw() <= 2) {
            forPlanes(g.planes(), (long) g.outSize() * taps.length,
                    p -> maxRows(g, taps, x, xOff + p * g.inPlane(), y, yOff + p * g.outPlane(),
                            argmax, argmaxOff + p * g.outPlane()));
            return;
        }
        int[] starts = windowStarts(g, FLOATS.length());
        float[] startsAsFloats = new float[starts.length];
        for (int i = 0; i < starts.length; i++) {
            startsAsFloats[i] = starts[i];
        }
        forPlanes(g.planes(), (long) g.outSize() * taps.length,
                p -> maxPlane(g, starts, startsAsFloats, taps, x, xOff + p * g.inPlane(), y, yOff + p * g.outPlane(),
                        argmax, argmaxOff + p * g.outPlane()));
    }

    /**
     * Offset in the plane of each output's first tap, padded with zeros (a valid offset) to a
     * whole number of vectors so that every gather reads a full index vector.
     */
    private static int[] windowStarts(PoolShape g, int lanes) {
        int outPlane = g.outPlane();
        int[] starts = new int[(outPlane + lanes - 1) / lanes * lanes];
        int o = 0;
        for (int oh = 0; oh < g.outH(); oh++) {
            for (int ow = 0; ow < g.outW(); ow++) {
                starts[o++] = oh * g.sh() * g.w() + ow * g.sw();
            }
        }
        return starts;
    }

    /** Offset of each window tap from the window's first tap, in scan order (row by row). */
    private static int[] tapOffsets(PoolShape g) {
        int[] taps = new int[g.kh() * g.kw()];
        for (int i = 0, t = 0; i < g.kh(); i++) {
            for (int j = 0; j < g.kw(); j++) {
                taps[t++] = i * g.dh() * g.w() + j * g.dw();
            }
        }
        return taps;
    }

    /**
     * Lanes along each output row; x is read past a row's end only for lanes that are not
     * stored. Everything is written out in this one method: a helper returning a vector that the
     * JIT does not inline boxes the vector on every call (measured: 25x slower). Static, as is
     * {@link #maxPlane}, so that the lambdas calling them do not capture {@code this}: a
     * capture's type would name the template, not the hidden copy, and fail verification.
     */
    private static void maxRows(PoolShape g, int[] taps, float[] x, int xPlane, float[] y, int yPlane,
                         int[] argmax, int aPlane) {
        int lanes = FLOATS.length();
        int sw = g.sw();
        int lastTap = taps[taps.length - 1];
        FloatVector step = sw == 1 ? STRIDE_1_STEPS : STRIDE_2_STEPS;
        for (int oh = 0; oh < g.outH(); oh++) {
            int top = oh * g.sh() * g.w();
            int o = oh * g.outW();
            for (int ow0 = 0; ow0 < g.outW(); ow0 += lanes) {
                int first = top + ow0 * sw;
                int valid = Math.min(lanes, g.outW() - ow0);
                if (xPlane + first + lastTap + sw * lanes > x.length) {
                    maxScalar(g, taps, x, xPlane, first, valid, y, yPlane + o + ow0, argmax, aPlane + o + ow0);
                    continue;
                }
                FloatVector max = FloatVector.fromArray(FLOATS, x, xPlane + first);
                if (sw == 2) {
                    max = max.rearrange(EVENS, FloatVector.fromArray(FLOATS, x, xPlane + first + lanes));
                }
                FloatVector start = step.add(first);
                FloatVector at = start;
                for (int t = 1; t < taps.length; t++) {
                    int from = xPlane + first + taps[t];
                    FloatVector v = FloatVector.fromArray(FLOATS, x, from);
                    if (sw == 2) {
                        v = v.rearrange(EVENS, FloatVector.fromArray(FLOATS, x, from + lanes));
                    }
                    VectorMask<Float> wins = v.compare(VectorOperators.GT, max).or(v.test(VectorOperators.IS_NAN));
                    max = max.blend(v, wins);
                    at = at.blend(start.add(taps[t]), wins);
                }
                IntVector atInts = (IntVector) at.convert(VectorOperators.F2I, 0);
                if (valid == lanes) {
                    max.intoArray(y, yPlane + o + ow0);
                    atInts.intoArray(argmax, aPlane + o + ow0);
                } else {
                    max.intoArray(y, yPlane + o + ow0, FLOATS.indexInRange(0, valid));
                    atInts.intoArray(argmax, aPlane + o + ow0, INTS.indexInRange(0, valid));
                }
            }
        }
    }

    /** The same scan for {@code count} outputs of one row, one at a time (the chunks at x's end). */
    private static void maxScalar(PoolShape g, int[] taps, float[] x, int xPlane, int first, int count,
                                  float[] y, int yAt, int[] argmax, int aAt) {
        for (int k = 0; k < count; k++) {
            int window = first + k * g.sw();
            float max = x[xPlane + window];
            int at = window;
            for (int t = 1; t < taps.length; t++) {
                float v = x[xPlane + window + taps[t]];
                if (v > max || Float.isNaN(v)) {
                    max = v;
                    at = window + taps[t];
                }
            }
            y[yAt + k] = max;
            argmax[aAt + k] = at;
        }
    }

    private static void maxPlane(PoolShape g, int[] starts, float[] startsAsFloats, int[] taps, float[] x, int xPlane, float[] y, int yPlane,
                          int[] argmax, int aPlane) {
        int outPlane = g.outPlane();
        int lanes = FLOATS.length();
        for (int o = 0; o < outPlane; o += lanes) {
            FloatVector start = FloatVector.fromArray(FLOATS, startsAsFloats, o);
            FloatVector max = FloatVector.fromArray(FLOATS, x, xPlane, starts, o);
            FloatVector at = start;
            for (int t = 1; t < taps.length; t++) {
                FloatVector v = FloatVector.fromArray(FLOATS, x, xPlane + taps[t], starts, o);
                VectorMask<Float> wins = v.compare(VectorOperators.GT, max).or(v.test(VectorOperators.IS_NAN));
                max = max.blend(v, wins);
                at = at.blend(start.add(taps[t]), wins);
            }
            IntVector atInts = (IntVector) at.convert(VectorOperators.F2I, 0);
            if (o + lanes <= outPlane) {
                max.intoArray(y, yPlane + o);
                atInts.intoArray(argmax, aPlane + o);
            } else {
                max.intoArray(y, yPlane + o, FLOATS.indexInRange(o, outPlane));
                atInts.intoArray(argmax, aPlane + o, INTS.indexInRange(o, outPlane));
            }
        }
    }
}
