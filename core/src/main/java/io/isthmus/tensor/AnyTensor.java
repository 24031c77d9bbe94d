package io.isthmus.tensor;

/**
 * What a batch field, a loss target or a metric's target can be: a float {@link Tensor}
 * (features, regression targets, masks) or an {@link IndexTensor} (class labels, token ids,
 * indices). Code that needs one kind asks for it by type and gets a clear error otherwise.
 */
public sealed interface AnyTensor permits Tensor, IndexTensor {

    /** A copy of the shape. */
    int[] shape();

    int dim();

    /** Size of one axis (negative counts from the end). */
    int size(int axis);

    int numel();

    /** "float32" or "int32", for messages. */
    String dtypeName();

    /** {@code value} as a float tensor, or an error naming {@code what} and what it is instead. */
    static Tensor requireFloat(AnyTensor value, String what) {
        if (value instanceof Tensor t) {
            return t;
        }
        throw new IllegalArgumentException(what + " must be a float Tensor, got an IndexTensor " + Shape.str(value.shape())
                + " (int32); convert it with IndexTensor.toFloat() if that is what you mean");
    }

    /** {@code value} as an index tensor, or an error naming {@code what} and what it is instead. */
    static IndexTensor requireIndices(AnyTensor value, String what) {
        if (value instanceof IndexTensor t) {
            return t;
        }
        throw new IllegalArgumentException(what + " must hold integer indices (an IndexTensor), got a float Tensor "
                + Shape.str(value.shape()) + "; build it with IndexTensor.of(int[], shape) or IndexTensor.fromFloats(tensor)");
    }
}
