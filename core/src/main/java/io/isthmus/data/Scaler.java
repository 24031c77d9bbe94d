package io.isthmus.data;

import io.isthmus.tensor.Tensor;

/**
 * An affine map of values fitted on a training part ({@link MinMaxScaler}, {@link StandardScaler}):
 * {@code scaled = (value - offset) * factor}, and back. Fit on the training values only, then
 * transform everything (training, validation, test) with the same map, and map predictions back
 * with {@link #inverse} before measuring errors in the data's units.
 */
public interface Scaler {

    /** The scaled value of {@code value}. */
    double transform(double value);

    /** The value whose scaled value is {@code scaled}. */
    double inverse(double scaled);

    /** Every value scaled, in a new array. */
    default double[] transform(double[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = transform(values[i]);
        }
        return out;
    }

    /** Every value mapped back, in a new array. */
    default double[] inverse(double[] scaled) {
        double[] out = new double[scaled.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = inverse(scaled[i]);
        }
        return out;
    }

    /** A tensor of scaled values (model predictions, say) mapped back: a new tensor of the same shape, outside autograd. */
    default Tensor inverse(Tensor scaled) {
        float[] in = scaled.data();
        float[] out = new float[in.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) inverse(in[i]);
        }
        return Tensor.of(out, scaled.shape());
    }

    /** Checks that there is something to fit and that it is all finite. */
    static void checkFitValues(String scaler, double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException(scaler + ": cannot fit on no values");
        }
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException(scaler + ": value " + i + " of " + values.length + " is " + values[i]);
            }
        }
    }
}
