package io.isthmus.ops;

import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

import java.util.Arrays;

/**
 * PyTorch's view ops narrow and expand, with their argument rules and messages. Tensors here
 * own contiguous storage, so each result is a copy; the semantics (and gradients) are the views'.
 */
public final class Views {

    private Views() {
    }

    /**
     * {@code length} elements of x along {@code axis} from {@code start} (negative counts from
     * the end, as in PyTorch): [.., n, ..] -> [.., length, ..].
     */
    public static Tensor narrow(Tensor x, int axis, int start, int length) {
        int[] shape = x.shape();
        int a = Shape.axis(axis, shape.length);
        int n = shape[a];
        int from = start < 0 ? start + n : start;
        if (from < 0 || from > n) {
            throw new IllegalArgumentException("narrow: start " + start + " is out of range for axis " + axis + " of "
                    + Shape.str(shape) + " (size " + n + ")");
        }
        if (length < 0 || (long) from + length > n) {
            throw new IllegalArgumentException("narrow: start " + start + " + length " + length + " exceeds axis "
                    + axis + " of " + Shape.str(shape) + " (size " + n + ")");
        }
        return ShapeOps.slice(x, a, from, from + length);
    }

    /**
     * Broadcasts x to {@code shape}: each size-1 axis may become any size, new axes may be added
     * in front, and -1 keeps an existing axis's size. x: [1, C] -> [N, C], [C] -> [B, T, C].
     * Backward sums the gradient over the expanded axes.
     */
    public static Tensor expand(Tensor x, int... shape) {
        int[] xs = x.shape();
        if (shape.length < xs.length) {
            throw new IllegalArgumentException("expand: target " + Shape.str(shape) + " has fewer dimensions than "
                    + Shape.str(xs));
        }
        int lead = shape.length - xs.length;
        int[] outShape = shape.clone();
        for (int d = 0; d < shape.length; d++) {
            int own = d < lead ? -1 : xs[d - lead];
            if (shape[d] == -1) {
                if (own == -1) {
                    throw new IllegalArgumentException("expand: -1 at new leading axis " + d + " of " + Shape.str(shape)
                            + " (x is " + Shape.str(xs) + "); a new axis needs its size");
                }
                outShape[d] = own;
            } else if (shape[d] < 0) {
                throw new IllegalArgumentException("expand: negative size " + shape[d] + " in " + Shape.str(shape));
            } else if (own != -1 && own != 1 && own != shape[d]) {
                throw new IllegalArgumentException("expand: axis " + (d - lead) + " of " + Shape.str(xs) + " has size "
                        + own + ", which cannot become " + shape[d] + " in " + Shape.str(shape)
                        + " (only size-1 axes expand)");
            }
        }
        if (Arrays.equals(outShape, xs)) {
            return ShapeOps.reshape(x, xs);
        }
        // the checks above give expand's own messages (-1, new axes); the copy and its backward are broadcastTo's
        return Broadcast.broadcastTo(x, outShape);
    }
}
