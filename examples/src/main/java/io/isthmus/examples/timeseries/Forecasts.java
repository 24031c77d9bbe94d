package io.isthmus.examples.timeseries;

import io.isthmus.data.SlidingWindows;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Forecasts of the windows' targets and their errors, in the series' units: the model's, the
 * naive one (every step = the last value seen) and the seasonal-naive one (every step = the value
 * one season before it, taken from the last season seen). All are laid out as the windows'
 * targets: window i's step k at index {@code i * horizon + k}.
 */
final class Forecasts {

    private Forecasts() {
    }

    /** Root mean square and mean absolute error over {@code points} forecast values. */
    record Errors(double rmse, double mae, int points) {

        static Errors of(double[] forecast, double[] actual) {
            return of(forecast, actual, 0, 1);
        }

        /** Over the entries {@code from}, {@code from + stride}, ... (one step of every window). */
        static Errors of(double[] forecast, double[] actual, int from, int stride) {
            if (forecast.length != actual.length) {
                throw new IllegalArgumentException("forecast has " + forecast.length + " values, actual "
                        + actual.length);
            }
            double squares = 0;
            double absolute = 0;
            int n = 0;
            for (int i = from; i < actual.length; i += stride) {
                double e = forecast[i] - actual[i];
                squares += e * e;
                absolute += Math.abs(e);
                n++;
            }
            return new Errors(Math.sqrt(squares / n), absolute / n, n);
        }

        Map<String, Object> toMap() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("rmse", rmse);
            map.put("mae", mae);
            map.put("points", points);
            return map;
        }
    }

    /** The windows' target values. */
    static double[] actual(double[] values, SlidingWindows windows) {
        int h = windows.horizon();
        double[] out = new double[windows.size() * h];
        for (int i = 0; i < windows.size(); i++) {
            for (int k = 0; k < h; k++) {
                out[i * h + k] = values[windows.targetStart(i) + k];
            }
        }
        return out;
    }

    /** Every step of window i forecast as the window's last value. */
    static double[] naive(double[] values, SlidingWindows windows) {
        int h = windows.horizon();
        double[] out = new double[windows.size() * h];
        for (int i = 0; i < windows.size(); i++) {
            double last = values[windows.targetStart(i) - 1];
            for (int k = 0; k < h; k++) {
                out[i * h + k] = last;
            }
        }
        return out;
    }

    /**
     * Step k (0-based) of window i forecast as the value a whole number of seasons before it, the
     * latest one the window has seen: position p - season * ceil((k + 1) / season) for target p.
     */
    static double[] seasonalNaive(double[] values, SlidingWindows windows, int season) {
        int h = windows.horizon();
        double[] out = new double[windows.size() * h];
        for (int i = 0; i < windows.size(); i++) {
            for (int k = 0; k < h; k++) {
                int p = windows.targetStart(i) + k;
                int back = season * ((k + season) / season);
                if (p - back < 0) {
                    throw new IllegalArgumentException("the seasonal-naive forecast of position " + p + " needs position "
                            + (p - back) + ", before the series starts (season " + season + ")");
                }
                out[i * h + k] = values[p - back];
            }
        }
        return out;
    }
}
