package io.isthmus.data;

import java.util.List;

/**
 * Supervised windows of a univariate series for forecasting: sample i holds {@code inputs}
 * FLOAT [lookback, 1] = series[s .. s + lookback) (one feature per time step, ready for a
 * recurrent layer as [B, lookback, 1]) and {@code targets} FLOAT [horizon] = the next
 * {@code horizon} values series[s + lookback .. s + lookback + horizon); horizon 1 is a one-step
 * forecast, more a multi-step one. Consecutive samples start one step apart.
 *
 * <p>For a split in time order, build the training windows over the training part alone and the
 * test windows with {@link #withTargetsFrom}, whose inputs may reach back into the training part
 * but whose targets all lie in the test tail.
 */
public final class SlidingWindows implements Dataset {

    private final float[] series;
    private final int lookback;
    private final int horizon;
    private final int first;
    private final int count;
    private final List<Field> fields;

    /** Every window of {@code series}: starts 0 .. n - lookback - horizon. */
    public SlidingWindows(double[] series, int lookback, int horizon) {
        this(series, lookback, horizon, lookback);
    }

    private SlidingWindows(double[] series, int lookback, int horizon, int firstTarget) {
        if (lookback < 1 || horizon < 1) {
            throw new IllegalArgumentException("need lookback >= 1 and horizon >= 1, got lookback " + lookback
                    + ", horizon " + horizon);
        }
        if (firstTarget < lookback || firstTarget > series.length) {
            throw new IllegalArgumentException("first target position " + firstTarget + " must be in [lookback "
                    + lookback + ", series length " + series.length + "]");
        }
        this.first = firstTarget - lookback;
        this.count = series.length - lookback - horizon + 1 - first;
        if (count < 1) {
            throw new IllegalArgumentException("a series of " + series.length + " values holds no window of lookback "
                    + lookback + " and horizon " + horizon + (first > 0 ? " with targets from position " + firstTarget : "")
                    + " (needs at least " + (firstTarget + horizon) + " values)");
        }
        this.series = new float[series.length];
        for (int i = 0; i < series.length; i++) {
            if (!Double.isFinite(series[i])) {
                throw new IllegalArgumentException("series value " + i + " is " + series[i]);
            }
            this.series[i] = (float) series[i];
        }
        this.lookback = lookback;
        this.horizon = horizon;
        this.fields = List.of(Field.floats(Batch.INPUTS, lookback, 1), Field.floats(Batch.TARGETS, horizon));
    }

    /**
     * The windows of {@code series} whose first target is at position {@code firstTarget} or
     * later (e.g. the start of the test tail), firstTarget &gt;= lookback.
     */
    public static SlidingWindows withTargetsFrom(double[] series, int lookback, int horizon, int firstTarget) {
        return new SlidingWindows(series, lookback, horizon, firstTarget);
    }

    public int lookback() {
        return lookback;
    }

    public int horizon() {
        return horizon;
    }

    /** The series position of sample {@code i}'s first target (to line predictions up with time labels). */
    public int targetStart(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("window " + i + " out of range [0, " + count + ")");
        }
        return first + i + lookback;
    }

    @Override
    public int size() {
        return count;
    }

    @Override
    public List<Field> fields() {
        return fields;
    }

    @Override
    public void gather(int[] indices, int from, int n, BatchArrays out) {
        float[] inputs = out.floats(0);
        float[] targets = out.floats(1);
        for (int b = 0; b < n; b++) {
            int i = indices[from + b];
            if (i < 0 || i >= count) {
                throw new IndexOutOfBoundsException("window " + i + " out of range [0, " + count + ")");
            }
            int start = first + i;
            System.arraycopy(series, start, inputs, b * lookback, lookback);
            System.arraycopy(series, start + lookback, targets, b * horizon, horizon);
        }
    }

    @Override
    public String toString() {
        return "SlidingWindows[" + count + " windows, lookback " + lookback + ", horizon " + horizon + "]";
    }
}
