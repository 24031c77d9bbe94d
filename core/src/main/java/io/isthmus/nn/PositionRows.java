package io.isthmus.nn;

import io.isthmus.ops.Arithmetic;
import io.isthmus.ops.Views;
import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

/** The step both position modules share: x plus the rows of a position table its tokens sit at. */
final class PositionRows {

    private PositionRows() {
    }

    /**
     * x: [B, T, E] plus rows offset .. offset + T - 1 of table: [maxLen, E].
     *
     * @param module the module's name, and {@code widthName} its name for E, for the messages
     * @throws IllegalArgumentException when x is not [B, T, E] or the positions pass maxLen
     */
    static Tensor add(String module, String widthName, Tensor x, Tensor table, int offset) {
        int[] s = x.shape();
        int width = table.size(1);
        int maxLen = table.size(0);
        if (s.length != 3 || s[2] != width) {
            throw new IllegalArgumentException(module + "(" + widthName + "=" + width + ") expects x [B, T, " + width
                    + "], got " + Shape.str(s));
        }
        if (offset < 0 || offset + s[1] > maxLen) {
            throw new IllegalArgumentException(module + ": positions " + offset + " .. " + (offset + s[1] - 1)
                    + " of x " + Shape.str(s) + " exceed max_len " + maxLen);
        }
        return Arithmetic.add(x, Views.narrow(table, 0, offset, s[1]));
    }
}
