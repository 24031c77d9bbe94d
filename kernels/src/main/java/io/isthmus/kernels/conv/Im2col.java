package io.isthmus.kernels.conv;

import io.isthmus.kernels.elementwise.Elementwise;

import java.util.Arrays;

/**
 * The column matrix of one sample, for a block of output rows, and its adjoint.
 *
 * <p>cols: [C * KH * KW, rows * OW]: row {@code (c * KH + kh) * KW + kw} holds, for each output
 * pixel (oh, ow) of output rows [oh0, oh0 + rows), the input pixel that kernel tap (kh, kw) of
 * channel c multiplies, or 0 where that tap falls in the padding. Rows are ordered by channel
 * first, so group g's rows are one contiguous block [g * Kg, (g + 1) * Kg), Kg = C / groups *
 * KH * KW, and y[g's channels, block] = W_g [Og, Kg] x cols_g [Kg, rows * OW] is one GEMM with
 * every operand contiguous.
 *
 * <p>The common "same" layout (stride 1, output as wide as the input, e.g. 3x3 with padding 1)
 * copies each column row with one arraycopy of the whole valid span of the channel plane
 * shifted by the tap's column offset, then zeroes the few columns that wrapped around a row
 * edge; other layouts move each tap's valid output rows and columns as one strided block of rows
 * ({@link Elementwise#copyRows}; at unit stride on vector lanes). col2im is the same walk with +=
 * in the other direction ({@link Elementwise#addRows}).
 */
final class Im2col {

    private Im2col() {
    }

    /** Output rows per block so that a column block holds at most {@code budget} floats (at least one row). */
    static int rowsPerBlock(Conv2dShape s, int budget) {
        long rowFloats = (long) s.inChannels() * s.kernelH() * s.kernelW() * s.outWidth();
        return (int) Math.max(1, Math.min(s.outHeight(), budget / rowFloats));
    }

    /**
     * True when stride is 1 both ways and OW == W (so every tap's column offset is within
     * +-padW), with padW < W: a column row is the channel plane shifted by one offset, and
     * each output row has fewer than W columns in the padding.
     */
    static boolean sameWidth(Conv2dShape s) {
        return s.strideH() == 1 && s.strideW() == 1 && s.outWidth() == s.width() && s.padW() < s.width();
    }

    /**
     * cols[r, (oh - oh0) * OW + ow] for output rows [oh0, oh0 + rows) of the sample at
     * {@code xOff} in x; writes all of cols' first C * KH * KW * rows * OW floats.
     */
    static void im2col(Conv2dShape s, float[] x, int xOff, int oh0, int rows, float[] cols, Elementwise k) {
        int width = rows * s.outWidth();
        boolean same = sameWidth(s);
        int r = 0;
        for (int c = 0; c < s.inChannels(); c++) {
            int plane = xOff + c * s.height() * s.width();
            for (int kh = 0; kh < s.kernelH(); kh++) {
                for (int kw = 0; kw < s.kernelW(); kw++, r++) {
                    if (same) {
                        copySame(s, x, plane, kh, kw, oh0, rows, cols, r * width);
                    } else {
                        copyRows(s, x, plane, kh, kw, oh0, rows, cols, r * width, k);
                    }
                }
            }
        }
    }

    /**
     * The adjoint of {@link #im2col}: dx[sample at xOff] += each column back at its input pixel;
     * taps in the padding are dropped. {@code cols} is used as scratch (its wrapped edge
     * columns are zeroed).
     */
    static void col2im(Conv2dShape s, float[] cols, int oh0, int rows, float[] dx, int xOff, Elementwise k) {
        int width = rows * s.outWidth();
        boolean same = sameWidth(s);
        int r = 0;
        for (int c = 0; c < s.inChannels(); c++) {
            int plane = xOff + c * s.height() * s.width();
            for (int kh = 0; kh < s.kernelH(); kh++) {
                for (int kw = 0; kw < s.kernelW(); kw++, r++) {
                    if (same) {
                        addSame(s, cols, r * width, kh, kw, oh0, rows, dx, plane, k);
                    } else {
                        addRows(s, cols, r * width, kh, kw, oh0, rows, dx, plane, k);
                    }
                }
            }
        }
    }

    /** First output row i in [0, rows) of the block whose tap kh lands inside the input (rows if none). */
    private static int firstValidRow(Conv2dShape s, int kh, int oh0, int rows) {
        int i = 0;
        while (i < rows && inputRow(s, kh, oh0 + i) < 0) {
            i++;
        }
        return i;
    }

    /** One past the last output row of the block whose tap kh lands inside the input. */
    private static int endValidRow(Conv2dShape s, int kh, int oh0, int rows, int from) {
        int i = rows;
        while (i > from && inputRow(s, kh, oh0 + i - 1) >= s.height()) {
            i--;
        }
        return i;
    }

    private static int inputRow(Conv2dShape s, int kh, int oh) {
        return oh * s.strideH() - s.padH() + kh * s.dilationH();
    }

    /** Column offset of tap kw: output column ow reads input column ow * strideW + offset. */
    private static int columnOffset(Conv2dShape s, int kw) {
        return kw * s.dilationW() - s.padW();
    }

    /** First ow with 0 <= ow * strideW + offset. */
    private static int firstValidColumn(Conv2dShape s, int offset) {
        return offset >= 0 ? 0 : Math.min(s.outWidth(), (-offset + s.strideW() - 1) / s.strideW());
    }

    /** One past the last ow with ow * strideW + offset < W. */
    private static int endValidColumn(Conv2dShape s, int offset, int from) {
        int last = s.width() - 1 - offset;
        int end = last < 0 ? 0 : Math.min(s.outWidth(), last / s.strideW() + 1);
        return Math.max(end, from);
    }

    /** Stride 1 and OW == W: the valid output rows read one contiguous span of the plane, shifted by the column offset. */
    private static void copySame(Conv2dShape s, float[] x, int plane, int kh, int kw, int oh0, int rows,
                                 float[] cols, int dst) {
        int w = s.width();
        int lo = firstValidRow(s, kh, oh0, rows);
        int hi = endValidRow(s, kh, oh0, rows, lo);
        Arrays.fill(cols, dst, dst + lo * w, 0f);
        Arrays.fill(cols, dst + hi * w, dst + rows * w, 0f);
        if (lo == hi) {
            return;
        }
        int shift = columnOffset(s, kw);
        int src = plane + inputRow(s, kh, oh0 + lo) * w + shift;
        int start = dst + lo * w;
        int length = (hi - lo) * w;
        // the span's first (shift < 0) or last (shift > 0) |shift| floats lie outside the plane
        // and are edge columns, zeroed below with the others
        int skipFront = Math.max(0, -shift);
        int skipBack = Math.max(0, shift);
        System.arraycopy(x, src + skipFront, cols, start + skipFront, length - skipFront - skipBack);
        zeroWrappedColumns(cols, start, hi - lo, w, shift);
    }

    /** In each of {@code rows} rows of width w from {@code start}: the |shift| columns whose tap read past a row edge. */
    private static void zeroWrappedColumns(float[] cols, int start, int rows, int w, int shift) {
        if (shift == 0) {
            return;
        }
        int from = shift < 0 ? 0 : w - shift;
        int to = shift < 0 ? -shift : w;
        for (int i = 0; i < rows; i++) {
            int row = start + i * w;
            for (int j = from; j < to; j++) {
                cols[row + j] = 0f;
            }
        }
    }

    /**
     * Any stride, padding and dilation: the output rows whose tap lands inside the input, each
     * row's valid columns as one strided block of rows (for W6's "valid" 3x3 layers, rows of 11
     * and 26 floats: a loop per row cost more than its copy); zeros where the tap is in the padding.
     */
    private static void copyRows(Conv2dShape s, float[] x, int plane, int kh, int kw, int oh0, int rows,
                                 float[] cols, int dst, Elementwise k) {
        int ow = s.outWidth();
        int w = s.width();
        int sw = s.strideW();
        int offset = columnOffset(s, kw);
        int lo = firstValidColumn(s, offset);
        int hi = endValidColumn(s, offset, lo);
        int first = firstValidRow(s, kh, oh0, rows);
        int end = lo == hi ? first : endValidRow(s, kh, oh0, rows, first);
        Arrays.fill(cols, dst, dst + first * ow, 0f);
        Arrays.fill(cols, dst + end * ow, dst + rows * ow, 0f);
        if (first == end) {
            return;
        }
        if (lo > 0 || hi < ow) {
            for (int row = dst + first * ow, last = dst + end * ow; row < last; row += ow) {
                Arrays.fill(cols, row, row + lo, 0f);
                Arrays.fill(cols, row + hi, row + ow, 0f);
            }
        }
        int src = plane + inputRow(s, kh, oh0 + first) * w + offset;
        int srcStride = s.strideH() * w;
        if (sw == 1) {
            k.copyRows(x, src + lo, srcStride, cols, dst + first * ow + lo, ow, end - first, hi - lo);
            return;
        }
        for (int i = first; i < end; i++, src += srcStride) {
            int row = dst + i * ow;
            for (int j = lo; j < hi; j++) {
                cols[row + j] = x[src + j * sw];
            }
        }
    }

    private static void addSame(Conv2dShape s, float[] cols, int src, int kh, int kw, int oh0, int rows,
                                float[] dx, int plane, Elementwise k) {
        int w = s.width();
        int lo = firstValidRow(s, kh, oh0, rows);
        int hi = endValidRow(s, kh, oh0, rows, lo);
        if (lo == hi) {
            return;
        }
        int shift = columnOffset(s, kw);
        int start = src + lo * w;
        // wrapped columns would land on the neighbouring row's edge pixel: they carry no gradient
        zeroWrappedColumns(cols, start, hi - lo, w, shift);
        int dst = plane + inputRow(s, kh, oh0 + lo) * w + shift;
        int skipFront = Math.max(0, -shift);
        int skipBack = Math.max(0, shift);
        int length = (hi - lo) * w - skipFront - skipBack;
        k.add(dx, dst + skipFront, cols, start + skipFront, dx, dst + skipFront, length);
    }

    /** The adjoint of {@link #copyRows}: the valid columns of the valid output rows added back, one strided block at unit stride. */
    private static void addRows(Conv2dShape s, float[] cols, int src, int kh, int kw, int oh0, int rows,
                                float[] dx, int plane, Elementwise k) {
        int ow = s.outWidth();
        int w = s.width();
        int sw = s.strideW();
        int offset = columnOffset(s, kw);
        int lo = firstValidColumn(s, offset);
        int hi = endValidColumn(s, offset, lo);
        int first = firstValidRow(s, kh, oh0, rows);
        int end = lo == hi ? first : endValidRow(s, kh, oh0, rows, first);
        if (first == end) {
            return;
        }
        int dst = plane + inputRow(s, kh, oh0 + first) * w + offset;
        int dstStride = s.strideH() * w;
        if (sw == 1) {
            k.addRows(cols, src + first * ow + lo, ow, dx, dst + lo, dstStride, end - first, hi - lo);
            return;
        }
        for (int i = first; i < end; i++, dst += dstStride) {
            int row = src + i * ow;
            for (int j = lo; j < hi; j++) {
                dx[dst + j * sw] += cols[row + j];
            }
        }
    }
}
