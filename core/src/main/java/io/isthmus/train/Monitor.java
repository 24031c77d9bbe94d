package io.isthmus.train;

import java.util.Locale;
import java.util.Map;

/**
 * Which logged metric a callback watches and whether lower or higher is better
 * ({@code mode} "min", "max", or "auto": max for accuracy-like names, min otherwise).
 */
public record Monitor(String metric, boolean higherIsBetter, double minDelta) {

    public static Monitor of(String metric, String mode, double minDelta) {
        String m = mode.toLowerCase(Locale.ROOT);
        boolean higher = switch (m) {
            case "min" -> false;
            case "max" -> true;
            case "auto" -> metric.contains("acc") || metric.contains("auc") || metric.startsWith("fmeasure");
            default -> throw new IllegalArgumentException("mode must be min, max or auto, got '" + mode + "'");
        };
        if (minDelta < 0) {
            throw new IllegalArgumentException("minDelta must be >= 0, got " + minDelta);
        }
        return new Monitor(metric, higher, minDelta);
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
