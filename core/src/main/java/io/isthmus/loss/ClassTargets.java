package io.isthmus.loss;

import io.isthmus.tensor.InputGrads;
import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

import java.util.Arrays;

/**
 * Class-index targets checked against the input of a classification loss, PyTorch's layout:
 * input [N, C, d1, ...] (or [C] for one unbatched sample) and target [N, d1, ...] (or [])
 * holding class indices (an {@link IndexTensor}).
 *
 * <p>A <em>row</em> is one (n, d1, ...) position, numbered in target order; the score of class
 * c for row r sits at input index {@code (r / spatial) * C * spatial + c * spatial + r % spatial}
 * (for [N, C] inputs, spatial = 1 and rows are the input's rows).
 */
final class ClassTargets {

    /** The label of a row whose target equals the ignore index. */
    static final int IGNORED = -1;

    final int rows;
    final int classes;
    final int spatial;
    /** Per row: the class index, or {@link #IGNORED}. */
    final int[] labels;
    final int[] targetShape;

    private ClassTargets(int rows, int classes, int spatial, int[] labels, int[] targetShape) {
        this.rows = rows;
        this.classes = classes;
        this.spatial = spatial;
        this.labels = labels;
        this.targetShape = targetShape;
    }

    /**
     * Checks shapes and values: every target is an integer in [0, C) or equals ignoreIndex.
     * loss: the loss's name for messages.
     */
    static ClassTargets check(String loss, Tensor input, IndexTensor target, int ignoreIndex) {
        int[] in = input.shape();
        int[] tg = target.shape();
        if (in.length == 0) {
            throw new IllegalArgumentException(loss + ": input must be [N, C, d1, ...] or [C], got a scalar");
        }
        boolean unbatched = in.length == 1;
        int classes = unbatched ? in[0] : in[1];
        int[] expected = expectedTargetShape(in);
        if (!Arrays.equals(tg, expected)) {
            String hint = Arrays.equals(tg, in)
                    ? " (targets are class indices; class-probability targets of the input's shape are not supported)"
                    : "";
            throw new IllegalArgumentException(loss + ": input " + Shape.str(in) + " and target " + Shape.str(tg)
                    + " do not match: expected target " + Shape.str(expected) + " for input [N, C, d1, ...]" + hint);
        }
        if (classes == 0) {
            throw new IllegalArgumentException(loss + ": input " + Shape.str(in) + " has no classes (C = 0)");
        }
        int spatial = unbatched ? 1 : Shape.numel(Arrays.copyOfRange(in, 2, in.length));
        int[] values = target.data();
        int[] labels = new int[values.length];
        for (int r = 0; r < values.length; r++) {
            int v = values[r];
            if (v == ignoreIndex) {
                labels[r] = IGNORED;
            } else if (v < 0 || v >= classes) {
                throw new IllegalArgumentException(loss + ": target" + position(r, tg) + " = " + v
                        + " is not a class index in [0, " + classes + ") (ignoreIndex is " + ignoreIndex + ", input "
                        + Shape.str(in) + ")");
            } else {
                labels[r] = v;
            }
        }
        return new ClassTargets(values.length, classes, spatial, labels, tg);
    }

    /** Class weights: null (all 1) or [C], checked against the input's class count. */
    static float[] checkWeight(String loss, Tensor weight, int classes, int[] inputShape) {
        if (weight == null) {
            return null;
        }
        if (weight.dim() != 1 || weight.size(0) != classes) {
            throw new IllegalArgumentException(loss + ": class weight " + Shape.str(weight.shape()) + " does not match input "
                    + Shape.str(inputShape) + " (expected [" + classes + "])");
        }
        return weight.data();
    }

    private static int[] expectedTargetShape(int[] in) {
        if (in.length == 1) {
            return new int[0];
        }
        int[] expected = new int[in.length - 1];
        expected[0] = in[0];
        System.arraycopy(in, 2, expected, 1, in.length - 2);
        return expected;
    }

    /** "[1, 2]" for flat index {@code flat} of {@code shape}. */
    private static String position(int flat, int[] shape) {
        int[] index = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            index[d] = flat % shape[d];
            flat /= shape[d];
        }
        return Arrays.toString(index);
    }

    /** Input index of class c in row r. */
    int index(int row, int c) {
        return (row / spatial) * classes * spatial + c * spatial + row % spatial;
    }

    /** The input rearranged as [rows, C], contiguous (the input itself when spatial = 1). */
    float[] gatherRows(float[] input) {
        if (spatial == 1) {
            return input;
        }
        float[] out = new float[rows * classes];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < classes; c++) {
                out[r * classes + c] = input[index(r, c)];
            }
        }
        return out;
    }

    /** Delivers rowsGrad [rows, C] as input's gradient (input layout); hands it over when the layouts agree. */
    void giveRowsGrad(float[] rowsGrad, Tensor input, InputGrads grads) {
        if (spatial == 1) {
            grads.give(input, rowsGrad);
            return;
        }
        float[] into = grads.overwrite(input);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < classes; c++) {
                into[index(r, c)] = rowsGrad[r * classes + c];
            }
        }
    }
}
