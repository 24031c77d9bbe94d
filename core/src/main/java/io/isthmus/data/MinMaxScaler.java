package io.isthmus.data;

/**
 * Maps the training range [min, max] linearly onto [low, high] (default [0, 1]), as
 * scikit-learn's {@code MinMaxScaler}; later values outside the training range land outside
 * [low, high]. A constant training part (min = max) maps every value v to low + (v - min).
 */
public final class MinMaxScaler implements Scaler {

    private final double min;
    private final double max;
    private final double low;
    private final double scale;

    private MinMaxScaler(double min, double max, double low, double high) {
        this.min = min;
        this.max = max;
        this.low = low;
        this.scale = max > min ? (high - low) / (max - min) : 1;
    }

    /** Fitted on {@code train} to [0, 1]. */
    public static MinMaxScaler fit(double[] train) {
        return fit(train, 0, 1);
    }

    /** Fitted on {@code train} to [low, high] (low &lt; high, both finite). */
    public static MinMaxScaler fit(double[] train, double low, double high) {
        if (!(low < high) || !Double.isFinite(low) || !Double.isFinite(high)) {
            throw new IllegalArgumentException("MinMaxScaler: target range [" + low + ", " + high + "] needs finite low < high");
        }
        Scaler.checkFitValues("MinMaxScaler", train);
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : train) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return new MinMaxScaler(min, max, low, high);
    }

    /** The training minimum. */
    public double min() {
        return min;
    }

    /** The training maximum. */
    public double max() {
        return max;
    }

    @Override
    public double transform(double value) {
        return low + (value - min) * scale;
    }

    @Override
    public double inverse(double scaled) {
        return min + (scaled - low) / scale;
    }

    @Override
    public String toString() {
        return "MinMaxScaler[min " + min + ", max " + max + " -> " + low + ", " + (low + (max - min) * scale) + "]";
    }
}
