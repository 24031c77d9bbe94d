package io.isthmus.data;

import io.isthmus.tensor.AnyTensor;
import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The arrays one batch of {@code count} samples is gathered into, one per field of the
 * dataset, in field order: field f of kind FLOAT is a {@code float[]}, of kind INDEX an
 * {@code int[]}, each of {@code count * sampleSize} elements holding [count, ...sampleShape]
 * row-major. {@link Dataset#gather} fills them; {@link #toBatch()} wraps them (no copy).
 */
public final class BatchArrays {

    private final List<Field> fields;
    private final int count;
    private final Object[] arrays;

    /** Trusted: {@code arrays} already match {@code fields} and {@code count} (the loader's pool made them). */
    BatchArrays(List<Field> fields, int count, Object[] arrays) {
        this.fields = fields;
        this.count = count;
        this.arrays = arrays;
    }

    /** Fresh arrays for {@code count} samples of {@code fields}. */
    public static BatchArrays allocate(List<Field> fields, int count) {
        requireCount(count);
        Object[] arrays = new Object[fields.size()];
        for (int f = 0; f < arrays.length; f++) {
            arrays[f] = newArray(fields.get(f), count);
        }
        return new BatchArrays(List.copyOf(fields), count, arrays);
    }

    /**
     * Caller-provided arrays, one per field in order: a {@code float[]} for a FLOAT field, an
     * {@code int[]} for an INDEX field, each of exactly {@code count * sampleSize} elements.
     */
    public static BatchArrays wrap(List<Field> fields, int count, Object... arrays) {
        requireCount(count);
        if (arrays.length != fields.size()) {
            throw new IllegalArgumentException(fields.size() + " fields " + fields + " need " + fields.size()
                    + " arrays, got " + arrays.length);
        }
        for (int f = 0; f < arrays.length; f++) {
            Field field = fields.get(f);
            int length = field.kind() == Field.Kind.FLOAT
                    ? arrays[f] instanceof float[] a ? a.length : -1
                    : arrays[f] instanceof int[] a ? a.length : -1;
            if (length < 0) {
                throw new IllegalArgumentException("field " + field + " needs "
                        + (field.kind() == Field.Kind.FLOAT ? "a float[]" : "an int[]") + ", got "
                        + (arrays[f] == null ? "null" : arrays[f].getClass().getSimpleName()));
            }
            if (length != count * field.sampleSize()) {
                throw new IllegalArgumentException("field " + field + " needs " + count + " x " + field.sampleSize()
                        + " = " + count * field.sampleSize() + " elements for " + count + " samples, got " + length);
            }
        }
        return new BatchArrays(List.copyOf(fields), count, arrays.clone());
    }

    static Object newArray(Field field, int count) {
        int length = count * field.sampleSize();
        return field.kind() == Field.Kind.FLOAT ? new float[length] : new int[length];
    }

    private static void requireCount(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("sample count must be >= 0, got " + count);
        }
    }

    /** Number of samples B. */
    public int count() {
        return count;
    }

    public List<Field> fields() {
        return fields;
    }

    /** The array of FLOAT field {@code field} (its position in {@link #fields()}): [count * sampleSize]. */
    public float[] floats(int field) {
        if (arrays[field] instanceof float[] a) {
            return a;
        }
        throw new IllegalArgumentException("field " + fields.get(field) + " holds indices: use ints(" + field + ")");
    }

    /** The array of INDEX field {@code field} (its position in {@link #fields()}): [count * sampleSize]. */
    public int[] ints(int field) {
        if (arrays[field] instanceof int[] a) {
            return a;
        }
        throw new IllegalArgumentException("field " + fields.get(field) + " holds floats: use floats(" + field + ")");
    }

    /** The array of field {@code field}, a float[] or an int[]. */
    Object array(int field) {
        return arrays[field];
    }

    /** The arrays as a batch: each field a tensor [count, ...sampleShape] over its array (not copied). */
    public Batch toBatch() {
        return new Batch(tensors(), null);
    }

    /** The same, lent by {@code pool}: recycling the batch hands these arrays back to it. */
    Batch toBatch(BufferPool pool) {
        return new Batch(tensors(), new BufferPool.Loan(pool, arrays));
    }

    private Map<String, AnyTensor> tensors() {
        Map<String, AnyTensor> out = new LinkedHashMap<>();
        for (int f = 0; f < arrays.length; f++) {
            Field field = fields.get(f);
            int[] shape = field.batchShape(count);
            out.put(field.name(), arrays[f] instanceof float[] a ? Tensor.of(a, shape) : IndexTensor.of((int[]) arrays[f], shape));
        }
        return out;
    }
}
