package io.isthmus.ops;

import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Shape;

/**
 * Masks for {@link Masking#maskedFill} and {@link Masking#where}: int tensors of 1 (true) and
 * 0 (false). Triangles follow PyTorch's tril/triu: element [i, j] is in the lower triangle when
 * j - i &lt;= diagonal and in the upper one when j - i &gt;= diagonal.
 */
public final class Masks {

    private Masks() {
    }

    /**
     * The causal attention mask [t, t]: 1 where key j lies in query i's future (j &gt; i), the
     * positions to hide, so that {@code maskedFill(scores, causal(t), -infinity)} lets each
     * position attend to itself and the past only. The same as {@code triu(t, t, 1)}.
     */
    public static IndexTensor causal(int t) {
        return triu(t, t, 1);
    }

    /** [rows, cols]: 1 where j - i &lt;= diagonal. */
    public static IndexTensor tril(int rows, int cols, int diagonal) {
        return triangle(rows, cols, diagonal, true);
    }

    /** [rows, cols]: 1 where j - i &gt;= diagonal. */
    public static IndexTensor triu(int rows, int cols, int diagonal) {
        return triangle(rows, cols, diagonal, false);
    }

    private static IndexTensor triangle(int rows, int cols, int diagonal, boolean lower) {
        int[] mask = new int[Shape.numel(rows, cols)];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                long offset = (long) j - i;
                mask[i * cols + j] = (lower ? offset <= diagonal : offset >= diagonal) ? 1 : 0;
            }
        }
        return IndexTensor.of(mask, rows, cols);
    }

    /** 1 where {@code mask} is 0 and 0 elsewhere, same shape (e.g. a mask of positions to keep turned into one of positions to fill). */
    public static IndexTensor not(IndexTensor mask) {
        int[] source = mask.data();
        int[] out = new int[source.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = source[i] == 0 ? 1 : 0;
        }
        return IndexTensor.of(out, mask.shape());
    }
}
