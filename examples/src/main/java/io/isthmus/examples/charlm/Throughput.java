package io.isthmus.examples.charlm;

import io.isthmus.train.Callback;
import io.isthmus.train.Trainer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Training characters per second, measured as the W7 script measures them: the time of every
 * step (from the end of one to the end of the next: batch, forward, loss, backward, optimizer
 * step, and the callbacks' share), the first {@value #WARM_UP} steps of the run left out, and the
 * median over windows of {@value #WINDOW} steps. Also the overall rate over every step. The
 * evaluation between epochs is not counted.
 */
final class Throughput implements Callback {

    static final int WARM_UP = 3;
    static final int WINDOW = 20;

    private final long charsPerStep;
    private final List<Double> stepSeconds = new ArrayList<>();
    private long last;

    /** charsPerStep: batch size times window length. */
    Throughput(long charsPerStep) {
        this.charsPerStep = charsPerStep;
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

    /** Steps timed so far. */
    int steps() {
        return stepSeconds.size();
    }

    /** Characters per second over every step, NaN before the first. */
    double overall() {
        double seconds = stepSeconds.stream().mapToDouble(Double::doubleValue).sum();
        return stepSeconds.isEmpty() ? Double.NaN : charsPerStep * stepSeconds.size() / seconds;
    }

    /** Characters per second of each full window of {@value #WINDOW} steps after the warm-up. */
    double[] windows() {
        int count = Math.max(0, (stepSeconds.size() - WARM_UP) / WINDOW);
        double[] rates = new double[count];
        for (int w = 0; w < count; w++) {
            double seconds = 0;
            for (int s = 0; s < WINDOW; s++) {
                seconds += stepSeconds.get(WARM_UP + w * WINDOW + s);
            }
            rates[w] = charsPerStep * WINDOW / seconds;
        }
        return rates;
    }

    /** The median of {@link #windows()}, or the overall rate when no window is full. */
    double median() {
        double[] rates = windows();
        if (rates.length == 0) {
            return overall();
        }
        Arrays.sort(rates);
        int mid = rates.length / 2;
        return rates.length % 2 == 1 ? rates[mid] : (rates[mid - 1] + rates[mid]) / 2;
    }
}
