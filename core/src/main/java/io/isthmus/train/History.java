package io.isthmus.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What {@link Trainer#fit} returns: every epoch's logs, in order (Keras's History). */
public final class History {

    private final List<Integer> epochs = new ArrayList<>();
    private final List<Map<String, Double>> logs = new ArrayList<>();

    /** Records the logs of {@code epoch} (0-based). */
    public void add(int epoch, Map<String, Double> epochLogs) {
        epochs.add(epoch);
        logs.add(Collections.unmodifiableMap(new LinkedHashMap<>(epochLogs)));
    }

    /** 0-based epoch numbers that were recorded. */
    public List<Integer> epochs() {
        return Collections.unmodifiableList(epochs);
    }

    /** The logs of each recorded epoch. */
    public List<Map<String, Double>> logs() {
        return Collections.unmodifiableList(logs);
    }

    /** One metric over the epochs (NaN where an epoch lacks it). */
    public List<Double> get(String metric) {
        List<Double> values = new ArrayList<>();
        for (Map<String, Double> epochLogs : logs) {
            values.add(epochLogs.getOrDefault(metric, Double.NaN));
        }
        return values;
    }

    /** Every metric name seen, in first-seen order. */
    public Set<String> metrics() {
        Set<String> names = new LinkedHashSet<>();
        logs.forEach(epochLogs -> names.addAll(epochLogs.keySet()));
        return names;
    }

    public int size() {
        return logs.size();
    }

    /** The logs of the last recorded epoch, or empty. */
    public Map<String, Double> last() {
        return logs.isEmpty() ? Map.of() : logs.get(logs.size() - 1);
    }
}
