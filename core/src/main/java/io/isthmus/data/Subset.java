package io.isthmus.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The samples of a parent dataset at chosen indices, in that order (no data is copied). */
public final class Subset implements Dataset {

    private final Dataset parent;
    private final int[] indices;

    /** Samples {@code indices} of {@code parent}; each index in [0, parent.size()). */
    public Subset(Dataset parent, int[] indices) {
        int n = parent.size();
        for (int i : indices) {
            if (i < 0 || i >= n) {
                throw new IndexOutOfBoundsException("subset index " + i + " out of range [0, " + n + ")");
            }
        }
        this.parent = parent;
        this.indices = indices.clone();
    }

    /** Samples {@code from .. to-1} of {@code parent}, e.g. the last 10% as a validation set. */
    public static Subset range(Dataset parent, int from, int to) {
        if (from < 0 || to < from || to > parent.size()) {
            throw new IndexOutOfBoundsException("range [" + from + ", " + to + ") is not within [0, " + parent.size() + ")");
        }
        int[] idx = new int[to - from];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = from + i;
        }
        return new Subset(parent, idx);
    }

    /**
     * Splits {@code parent} into disjoint random subsets of the given sizes, which must add up to
     * its size, e.g. {@code randomSplit(train, 42, 50_000, 10_000)}. The same seed gives the same split.
     */
    public static List<Subset> randomSplit(Dataset parent, long seed, int... sizes) {
        long total = 0;
        for (int s : sizes) {
            if (s < 0) {
                throw new IllegalArgumentException("negative split size in " + Arrays.toString(sizes));
            }
            total += s;
        }
        if (total != parent.size()) {
            throw new IllegalArgumentException("split sizes " + Arrays.toString(sizes) + " add up to " + total
                    + ", but the dataset has " + parent.size() + " samples");
        }
        int[] order = Permutations.random(parent.size(), Permutations.derive(seed, 0));
        List<Subset> out = new ArrayList<>(sizes.length);
        int at = 0;
        for (int s : sizes) {
            out.add(new Subset(parent, Arrays.copyOfRange(order, at, at + s)));
            at += s;
        }
        return out;
    }

    /**
     * Splits {@code parent} into disjoint random subsets by fractions that add up to 1, e.g.
     * {@code randomSplit(train, 42, 0.9, 0.1)}. Sizes are rounded down and the remaining
     * samples go one each to the first subsets (as PyTorch's {@code random_split}).
     */
    public static List<Subset> randomSplit(Dataset parent, long seed, double... fractions) {
        double sum = 0;
        for (double f : fractions) {
            if (!(f >= 0 && f <= 1)) {
                throw new IllegalArgumentException("split fractions must be in [0, 1]: " + Arrays.toString(fractions));
            }
            sum += f;
        }
        if (Math.abs(sum - 1) > 1e-6) {
            throw new IllegalArgumentException("split fractions " + Arrays.toString(fractions) + " add up to " + sum + ", not 1");
        }
        int n = parent.size();
        int[] sizes = new int[fractions.length];
        int assigned = 0;
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = (int) Math.floor(n * fractions[i]);
            assigned += sizes[i];
        }
        for (int i = 0; assigned < n; i = (i + 1) % sizes.length) {
            sizes[i]++;
            assigned++;
        }
        return randomSplit(parent, seed, sizes);
    }

    /** The parent indices, in subset order (a copy). */
    public int[] indices() {
        return indices.clone();
    }

    public Dataset parent() {
        return parent;
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public List<Field> fields() {
        return parent.fields();
    }

    @Override
    public void gather(int[] which, int from, int count, BatchArrays out) {
        int[] mapped = new int[count];
        for (int b = 0; b < count; b++) {
            int i = which[from + b];
            if (i < 0 || i >= indices.length) {
                throw new IndexOutOfBoundsException("sample index " + i + " out of range [0, " + indices.length + ")");
            }
            mapped[b] = indices[i];
        }
        parent.gather(mapped, 0, count, out);
    }

    @Override
    public String toString() {
        return "Subset[" + indices.length + " of " + parent + "]";
    }
}
