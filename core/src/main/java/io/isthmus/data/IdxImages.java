package io.isthmus.data;

/**
 * Images from an IDX file ({@code *-images-idx3-ubyte}): unsigned bytes, row-major.
 *
 * @param count  number of images N
 * @param rows   image height H
 * @param cols   image width W
 * @param pixels [N, H, W] values 0..255 as (signed) bytes; not copied
 */
public record IdxImages(int count, int rows, int cols, byte[] pixels) {

    public IdxImages {
        if (count < 0 || rows < 0 || cols < 0) {
            throw new IllegalArgumentException("negative size " + count + "x" + rows + "x" + cols);
        }
        if (pixels.length != (long) count * rows * cols) {
            throw new IllegalArgumentException(count + "x" + rows + "x" + cols + " images need "
                    + (long) count * rows * cols + " pixels, got " + pixels.length);
        }
    }

    /** H * W. */
    public int pixelsPerImage() {
        return rows * cols;
    }

    /** Pixel {@code (row, col)} of image {@code i}, 0..255. */
    public int pixel(int i, int row, int col) {
        return pixels[(i * rows + row) * cols + col] & 0xFF;
    }

    /** All pixels scaled to [0, 1] (divided by 255, as torchvision's ToTensor does): [N, H, W]. */
    public float[] toFloats() {
        float[] out = new float[pixels.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (pixels[i] & 0xFF) / 255f;
        }
        return out;
    }
}
