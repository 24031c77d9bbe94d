package io.isthmus.data;

/**
 * Standardizes with the training mean and standard deviation: {@code (v - mean) / std}, as
 * scikit-learn's {@code StandardScaler} (population std, dividing by n; a zero std is taken as 1).
 */
public final class StandardScaler implements Scaler {

    private final double mean;
    private final double std;

    private StandardScaler(double mean, double std) {
        this.mean = mean;
        this.std = std;
    }

    /** Fitted on {@code train}: its mean and standard deviation, computed in double in two passes. */
    public static StandardScaler fit(double[] train) {
        Scaler.checkFitValues("StandardScaler", train);
        double sum = 0;
        for (double v : train) {
            sum += v;
        }
        double mean = sum / train.length;
        double squares = 0;
        for (double v : train) {
            squares += (v - mean) * (v - mean);
        }
        double std = Math.sqrt(squares / train.length);
        return new StandardScaler(mean, std > 0 ? std : 1);
    }

    public double mean() {
        return mean;
    }

    /** The standard deviation divided by (1 when the training values were constant). */
    public double std() {
        return std;
    }

    @Override
    public double transform(double value) {
        return (value - mean) / std;
    }

    @Override
    public double inverse(double scaled) {
        return mean + scaled * std;
    }

    @Override
    public String toString() {
        return "StandardScaler[mean " + mean + ", std " + std + "]";
    }
}
