package io.isthmus.train;

import java.util.Map;

/**
 * Which logged metric a callback watches, whether higher is better, and by how much a value must
 * beat the best so far to count as an improvement.
 */
public record Monitor(String metric, boolean higherIsBetter, double minDelta) {

    public Monitor {
        checkMetric(metric);
        checkMinDelta(minDelta);
    }

    /**
     * Resolves {@code mode} for {@code metric}. {@link Mode#AUTO} follows Keras's name rule: higher
     * is better for names containing "acc" or "auc" ({@code accuracy}, {@code val_acc},
     * {@code val_auc}) or starting with "fmeasure" after an optional "val_" prefix; lower for
     * everything else ({@code loss}, {@code val_loss}, {@code mae}).
     */
    public static Monitor of(String metric, Mode mode, double minDelta) {
        checkMetric(metric);
        boolean higher = switch (checkMode(mode)) {
            case MIN -> false;
            case MAX -> true;
            case AUTO -> {
                String name = metric.startsWith("val_") ? metric.substring(4) : metric;
                yield name.contains("acc") || name.contains("auc") || name.startsWith("fmeasure");
            }
        };
        return new Monitor(metric, higher, minDelta);
    }

    /** {@code metric} if it can name a logged metric; otherwise an exception naming the option and value. */
    static String checkMetric(String metric) {
        if (metric == null || metric.isBlank()) {
            throw new IllegalArgumentException("monitor must name a logged metric (e.g. val_loss), got "
                    + (metric == null ? "null" : "'" + metric + "'"));
        }
        return metric;
    }

    static double checkMinDelta(double minDelta) {
        if (!(minDelta >= 0 && minDelta < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("minDelta must be a finite number >= 0, got " + minDelta);
        }
        return minDelta;
    }

    static Mode checkMode(Mode mode) {
        if (mode == null) {
            throw new IllegalArgumentException("mode must be MIN, MAX or AUTO, got null");
        }
        return mode;
    }

    /** The watched value in {@code logs}; fails naming the metrics that are there when it is missing. */
    public double value(Map<String, Double> logs) {
        Double value = logs.get(metric);
        if (value == null) {
            throw new IllegalArgumentException("monitored metric '" + metric + "' is not logged; available: " + logs.keySet());
        }
        return value;
    }

    /** True when {@code current} beats {@code best} by more than minDelta. */
    public boolean improves(double current, double best) {
        if (Double.isNaN(current)) {
            return false;
        }
        if (Double.isNaN(best)) {
            return true;
        }
        return higherIsBetter ? current - minDelta > best : current + minDelta < best;
    }

    /** The starting "best" before any epoch. */
    public double worst() {
        return higherIsBetter ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
}
