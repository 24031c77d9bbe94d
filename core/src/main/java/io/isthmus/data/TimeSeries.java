package io.isthmus.data;

import java.time.LocalDate;
import java.time.DateTimeException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One numeric series in time order with its time labels as written in the file ({@code
 * "1949-01"}, {@code "19580329"}, {@code "1700"}), as read by {@link TimeSeriesCsv}. Values that
 * were missing in the file and filled in are listed by {@link #filled()}.
 */
public final class TimeSeries {

    private final String name;
    private final String timeName;
    private final List<String> times;
    private final double[] values;
    private final int[] filled;

    /**
     * @param name     the value column's name
     * @param timeName the time column's name
     * @param times    one label per value
     * @param values   the values, all finite
     * @param filled   positions (ascending) whose values were filled in, not read
     */
    public TimeSeries(String name, String timeName, List<String> times, double[] values, int[] filled) {
        this.name = Objects.requireNonNull(name, "name");
        this.timeName = Objects.requireNonNull(timeName, "timeName");
        this.times = List.copyOf(times);
        this.values = values.clone();
        this.filled = filled.clone();
        if (this.times.size() != values.length) {
            throw new IllegalArgumentException("time series '" + name + "' has " + this.times.size() + " time labels but "
                    + values.length + " values");
        }
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException("time series '" + name + "': value " + i + " (" + this.times.get(i)
                        + ") is " + values[i]);
            }
        }
    }

    /** The value column's name. */
    public String name() {
        return name;
    }

    /** The time column's name. */
    public String timeName() {
        return timeName;
    }

    /** Number of values. */
    public int size() {
        return values.length;
    }

    /** The values in time order (a copy). */
    public double[] values() {
        return values.clone();
    }

    /** Value {@code i}. */
    public double value(int i) {
        return values[i];
    }

    /** The time labels, exactly as in the file without quotes (unmodifiable). */
    public List<String> times() {
        return times;
    }

    /** Positions whose values were missing in the file and filled in (a copy). */
    public int[] filled() {
        return filled.clone();
    }

    /**
     * The time labels as dates: {@code yyyy-MM-dd}, {@code yyyyMMdd}, {@code yyyy-MM} (the
     * first of the month) or {@code yyyy} (1 January).
     *
     * @throws IllegalArgumentException naming the first label in none of these forms
     */
    public List<LocalDate> dates() {
        List<LocalDate> out = new ArrayList<>(times.size());
        for (int i = 0; i < times.size(); i++) {
            out.add(date(times.get(i), i));
        }
        return out;
    }

    private static LocalDate date(String label, int i) {
        try {
            if (label.matches("\\d{4}-\\d{2}-\\d{2}")) {
                return LocalDate.parse(label);
            }
            if (label.matches("\\d{8}")) {
                return LocalDate.of(Integer.parseInt(label.substring(0, 4)), Integer.parseInt(label.substring(4, 6)),
                        Integer.parseInt(label.substring(6, 8)));
            }
            if (label.matches("\\d{4}-\\d{2}")) {
                return LocalDate.of(Integer.parseInt(label.substring(0, 4)), Integer.parseInt(label.substring(5, 7)), 1);
            }
            if (label.matches("\\d{4}")) {
                return LocalDate.of(Integer.parseInt(label), 1, 1);
            }
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("time label " + i + " '" + label + "' is not a valid date: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("time label " + i + " '" + label
                + "' is not a date of the form yyyy-MM-dd, yyyyMMdd, yyyy-MM or yyyy");
    }

    /** Values {@code [from, to)} with their labels, in order. */
    public TimeSeries slice(int from, int to) {
        if (from < 0 || to < from || to > values.length) {
            throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") is not within [0, " + values.length + ")");
        }
        int[] inside = Arrays.stream(filled).filter(i -> i >= from && i < to).map(i -> i - from).toArray();
        return new TimeSeries(name, timeName, times.subList(from, to), Arrays.copyOfRange(values, from, to), inside);
    }

    /** The first part and the held-out tail, in time order; {@code cut} is where the tail starts. */
    public record Split(TimeSeries train, TimeSeries test, int cut) {
    }

    /** Holds out the last {@code testSize} values (1 &lt;= testSize &lt; size). */
    public Split splitTail(int testSize) {
        if (testSize < 1 || testSize >= values.length) {
            throw new IllegalArgumentException("test tail of " + testSize + " values must be in [1, " + values.length
                    + ") for series '" + name + "' of " + values.length + " values");
        }
        int cut = values.length - testSize;
        return new Split(slice(0, cut), slice(cut, values.length), cut);
    }

    /** The first {@code floor(size * trainFraction)} values train, the rest is the test tail; both non-empty. */
    public Split split(double trainFraction) {
        if (!(trainFraction > 0 && trainFraction < 1)) {
            throw new IllegalArgumentException("train fraction must be in (0, 1), got " + trainFraction);
        }
        return splitTail(values.length - (int) (values.length * trainFraction));
    }

    @Override
    public String toString() {
        return "TimeSeries[" + name + ", " + values.length + " values"
                + (values.length > 0 ? " from " + times.get(0) + " to " + times.get(values.length - 1) : "")
                + (filled.length > 0 ? ", " + filled.length + " filled" : "") + "]";
    }
}
