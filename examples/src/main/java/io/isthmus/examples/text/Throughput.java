package io.isthmus.examples.text;

import io.isthmus.train.Callback;
import io.isthmus.train.Trainer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Training tokens (characters) per second, measured as the W7 and W8 scripts measure them: the
 * time of every step (from the end of one to the end of the next: batch, forward, loss,
 * backward, optimizer step, and the callbacks' share), the first {@value #WARM_UP} steps of the
 * run left out, and the median over windows of a fixed number of steps (W7: 20, W8: 10). Also
 * the overall rate over every step. The evaluation between epochs is not counted.
 */
public final class Throughput implements Callback {

    public static final int WARM_UP = 3;
    /** W7's window: 20 steps. */
    public static final int W7_WINDOW = 20;
    /** W8's window: 10 steps. */
    public static final int W8_WINDOW = 10;

    private final long tokensPerStep;
    private final int window;
    private final List<Double> stepSeconds = new ArrayList<>();
    private long last;

    /**
     * @param tokensPerStep batch size times window length
     * @param window        steps per timed window (&gt;= 1)
     */
    public Throughput(long tokensPerStep, int window) {
        if (window < 1) {
            throw new IllegalArgumentException("a throughput window needs at least 1 step, got " + window);
        }
        this.tokensPerStep = tokensPerStep;
        this.window = window;
    }

    @Override
    public void onEpochBegin(Trainer trainer, int epoch) {
        last = System.nanoTime();
    }

    @Override
    public void onBatchEnd(Trainer trainer, int epoch, int batch, Map<String, Double> running) {
        long now = System.nanoTime();
        stepSeconds.add((now - last) / 1e9);
        last = now;
    }

    /** Steps per timed window. */
    public int window() {
        return window;
    }

    /** Steps timed so far. */
    public int steps() {
        return stepSeconds.size();
    }

    /** Tokens per second over every step, NaN before the first. */
    public double overall() {
        double seconds = stepSeconds.stream().mapToDouble(Double::doubleValue).sum();
        return stepSeconds.isEmpty() ? Double.NaN : tokensPerStep * stepSeconds.size() / seconds;
    }

    /** Tokens per second of each full window after the warm-up. */
    public double[] windows() {
        int count = Math.max(0, (stepSeconds.size() - WARM_UP) / window);
        double[] rates = new double[count];
        for (int w = 0; w < count; w++) {
            double seconds = 0;
            for (int s = 0; s < window; s++) {
                seconds += stepSeconds.get(WARM_UP + w * window + s);
            }
            rates[w] = tokensPerStep * window / seconds;
        }
        return rates;
    }

    /** The median of {@link #windows()}, or the overall rate when no window is full. */
    public double median() {
        double[] rates = windows();
        if (rates.length == 0) {
            return overall();
        }
        Arrays.sort(rates);
        int mid = rates.length / 2;
        return rates.length % 2 == 1 ? rates[mid] : (rates[mid - 1] + rates[mid]) / 2;
    }
}
