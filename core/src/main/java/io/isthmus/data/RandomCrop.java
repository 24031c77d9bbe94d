package io.isthmus.data;

import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * torchvision's {@code RandomCrop(size, padding)} with zero padding, for every sample of a batch
 * field of images [B, C, H, W] (by default {@code inputs}): the sample is padded with
 * {@code padding} zeros on each side, then a window of {@code height x width} is cut out at a
 * random position, the same for all its channels. The top row is uniform in
 * [0, H + 2 padding - height] and the left column in [0, W + 2 padding - width], drawn in that
 * order, sample after sample, from the batch's generator.
 *
 * <p>When the window has the images' size (CIFAR-10's {@code new RandomCrop(32, 4)}), each image
 * is shifted within the batch's own array, so the batch stays recyclable and nothing is
 * allocated; otherwise the field is replaced by a new array [B, C, height, width].
 */
public final class RandomCrop implements Transform {

    private final String field;
    private final int height;
    private final int width;
    private final int padding;

    /** Square {@code size x size} crops of {@code inputs} padded by {@code padding} zeros on every side. */
    public RandomCrop(int size, int padding) {
        this(Batch.INPUTS, size, size, padding);
    }

    /** {@code height x width} crops of field {@code field} padded by {@code padding} zeros on every side. */
    public RandomCrop(String field, int height, int width, int padding) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("crop size must be at least 1x1, got " + height + "x" + width);
        }
        if (padding < 0) {
            throw new IllegalArgumentException("padding must be >= 0, got " + padding);
        }
        this.field = ImageBatch.requireField(field);
        this.height = height;
        this.width = width;
        this.padding = padding;
    }

    @Override
    public Batch apply(Batch batch, SplittableRandom random) {
        Tensor x = ImageBatch.nchw(batch, field, "RandomCrop");
        int b = x.size(0);
        int rangeY = x.size(2) + 2 * padding - height;
        int rangeX = x.size(3) + 2 * padding - width;
        if (rangeY < 0 || rangeX < 0) {
            throw new IllegalArgumentException("RandomCrop of " + height + "x" + width + " is larger than the padded images: "
                    + "batch field '" + field + "' is " + Shape.str(x.shape()) + ", " + (x.size(2) + 2 * padding) + "x"
                    + (x.size(3) + 2 * padding) + " with padding " + padding);
        }
        int[] tops = new int[b];
        int[] lefts = new int[b];
        for (int i = 0; i < b; i++) {
            tops[i] = random.nextInt(rangeY + 1) - padding;
            lefts[i] = random.nextInt(rangeX + 1) - padding;
        }
        return crop(batch, field, height, width, tops, lefts);
    }

    /**
     * Crops sample i of field {@code field} [B, C, H, W] to the window whose top-left corner is
     * row {@code tops[i]}, column {@code lefts[i]} of the unpadded image (negative above or left
     * of it); pixels outside the image are 0.
     */
    static Batch crop(Batch batch, String field, int height, int width, int[] tops, int[] lefts) {
        Tensor x = ImageBatch.nchw(batch, field, "RandomCrop");
        int[] s = x.shape();
        int planes = s[1];
        int inPlane = s[2] * s[3];
        int outPlane = height * width;
        boolean inPlace = height == s[2] && width == s[3];
        float[] src = x.data();
        float[] dst = inPlace ? src : new float[s[0] * planes * outPlane];
        for (int i = 0; i < s[0]; i++) {
            if (inPlace && tops[i] == 0 && lefts[i] == 0) {
                continue;
            }
            for (int c = 0; c < planes; c++) {
                int plane = i * planes + c;
                cropPlane(src, plane * inPlane, s[2], s[3], dst, plane * outPlane, height, width, tops[i], lefts[i]);
            }
        }
        return inPlace ? batch : batch.with(field, Tensor.of(dst, s[0], planes, height, width));
    }

    /**
     * out[y][x] = in[y + top][x + left], or 0 outside in's h x w. {@code dst} may be {@code src}
     * at the same offset (then out is h x w too): rows are visited in the order that reads each
     * source row before it is overwritten, and within a row arraycopy handles the overlap.
     */
    static void cropPlane(float[] src, int srcOff, int h, int w, float[] dst, int dstOff, int outH, int outW,
                          int top, int left) {
        int x0 = Math.max(0, -left);
        int x1 = Math.min(outW, w - left);
        boolean down = top >= 0;
        for (int k = 0; k < outH; k++) {
            int y = down ? k : outH - 1 - k;
            int row = dstOff + y * outW;
            int sy = y + top;
            if (sy < 0 || sy >= h || x1 <= x0) {
                Arrays.fill(dst, row, row + outW, 0f);
                continue;
            }
            // copy first: in place, the zeroed margin may still be source
            System.arraycopy(src, srcOff + sy * w + x0 + left, dst, row + x0, x1 - x0);
            Arrays.fill(dst, row, row + x0, 0f);
            Arrays.fill(dst, row + x1, row + outW, 0f);
        }
    }

    @Override
    public String toString() {
        return "RandomCrop(" + field + ", " + height + "x" + width + ", padding " + padding + ")";
    }
}
