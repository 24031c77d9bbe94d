package io.isthmus.data;

import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

/** Checks shared by the image transforms: which batch field they read, and its layout. */
final class ImageBatch {

    private ImageBatch() {
    }

    /** Batch field {@code field} as a float tensor [B, C, H, W]; {@code who} names the transform in errors. */
    static Tensor nchw(Batch batch, String field, String who) {
        Tensor x = batch.tensor(field);
        if (x.dim() != 4) {
            throw new IllegalArgumentException(who + " needs batch field '" + field + "' as images [B, C, H, W], got "
                    + Shape.str(x.shape()) + " (rank " + x.dim() + ")");
        }
        return x;
    }

    static String requireField(String field) {
        if (field == null || field.isEmpty()) {
            throw new IllegalArgumentException("the batch field to transform must be named, got " + (field == null ? "null" : "\"\""));
        }
        return field;
    }
}
