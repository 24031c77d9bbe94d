package io.isthmus.data;

import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Tensor;
import io.isthmus.testing.SharedFolders;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RandomCrop, RandomHorizontalFlip and Normalize against plain references, and their reproducibility in a loader. */
class ImageTransformsTest {

    /** A batch whose inputs [b, c, h, w] hold distinct nonzero values, targets 0..b-1. */
    private static Batch images(int b, int c, int h, int w, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[b * c * h * w];
        for (int i = 0; i < x.length; i++) {
            x[i] = 1 + i + (float) r.nextDouble() * 0.5f;
        }
        int[] t = new int[b];
        Arrays.setAll(t, i -> i);
        return new Batch(Tensor.of(x, b, c, h, w), IndexTensor.of(t, b));
    }

    private static Batch copy(Batch batch) {
        Tensor x = batch.inputs();
        return new Batch(Tensor.of(x.data().clone(), x.shape()), batch.targets());
    }

    // ---- RandomCrop ----------------------------------------------------------------------------

    @Test
    void cropMovesPixelsToExactPositionsForKnownOffsets() {
        // two samples, two channels of 4x5; channel 1 = channel 0 + 100
        float[] x = new float[2 * 2 * 20];
        for (int s = 0; s < 2; s++) {
            for (int i = 0; i < 20; i++) {
                x[s * 40 + i] = i + 1;
                x[s * 40 + 20 + i] = i + 101;
            }
        }
        Batch batch = new Batch(Tensor.of(x, 2, 2, 4, 5), IndexTensor.vector(0, 1));
        // sample 0: window's top-left at row -1, column 2; sample 1: at row 2, column -1
        Batch out = RandomCrop.crop(batch, "inputs", 4, 5, new int[]{-1, 2}, new int[]{2, -1});
        assertSame(batch, out, "same size: cropped in place");
        assertSame(x, out.inputs().data());
        float[] sample0 = {
                0, 0, 0, 0, 0,
                3, 4, 5, 0, 0,
                8, 9, 10, 0, 0,
                13, 14, 15, 0, 0};
        float[] sample1 = {
                0, 11, 12, 13, 14,
                0, 16, 17, 18, 19,
                0, 0, 0, 0, 0,
                0, 0, 0, 0, 0};
        assertArrayEquals(sample0, Arrays.copyOfRange(x, 0, 20));
        assertArrayEquals(plus100(sample0), Arrays.copyOfRange(x, 20, 40));
        assertArrayEquals(sample1, Arrays.copyOfRange(x, 40, 60));
        assertArrayEquals(plus100(sample1), Arrays.copyOfRange(x, 60, 80));
    }

    private static float[] plus100(float[] a) {
        float[] out = a.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] = out[i] == 0 ? 0 : out[i] + 100;
        }
        return out;
    }

    /** The torchvision definition: pad each image with p zeros, then cut the window at the drawn (top, left). */
    private static float[] naiveCrop(Batch batch, int outH, int outW, int p, SplittableRandom random) {
        int[] s = batch.inputs().shape();
        float[] in = batch.inputs().data();
        int ph = s[2] + 2 * p;
        int pw = s[3] + 2 * p;
        float[] out = new float[s[0] * s[1] * outH * outW];
        for (int b = 0; b < s[0]; b++) {
            int top = random.nextInt(ph - outH + 1);
            int left = random.nextInt(pw - outW + 1);
            for (int c = 0; c < s[1]; c++) {
                float[][] padded = new float[ph][pw];
                for (int y = 0; y < s[2]; y++) {
                    for (int x = 0; x < s[3]; x++) {
                        padded[y + p][x + p] = in[((b * s[1] + c) * s[2] + y) * s[3] + x];
                    }
                }
                for (int y = 0; y < outH; y++) {
                    for (int x = 0; x < outW; x++) {
                        out[((b * s[1] + c) * outH + y) * outW + x] = padded[top + y][left + x];
                    }
                }
            }
        }
        return out;
    }

    @Test
    void cropMatchesThePadThenCutReferenceOnAwkwardShapes() {
        // {B, C, H, W, outH, outW, padding}
        int[][] cases = {
                {7, 3, 9, 9, 9, 9, 3},     // same size: in place
                {33, 3, 32, 32, 32, 32, 4}, // CIFAR-10
                {5, 1, 9, 11, 6, 6, 0},    // smaller window, no padding: new array
                {3, 2, 9, 7, 11, 9, 2},    // window larger than the image
                {4, 1, 1, 1, 1, 1, 4},     // 1x1 images
                {6, 3, 5, 5, 5, 5, 7},     // padding wider than the image: some windows all zeros
                {1, 17, 3, 17, 3, 17, 1},
        };
        for (int[] k : cases) {
            String what = Arrays.toString(k);
            Batch batch = images(k[0], k[1], k[2], k[3], 11);
            Batch before = copy(batch);
            float[] expected = naiveCrop(before, k[4], k[5], k[6], new SplittableRandom(99));
            Batch out = new RandomCrop("inputs", k[4], k[5], k[6]).apply(batch, new SplittableRandom(99));
            assertArrayEquals(new int[]{k[0], k[1], k[4], k[5]}, out.inputs().shape(), what);
            assertArrayEquals(expected, out.inputs().data(), what);
            assertSame(batch.targets(), out.targets(), what);
            if (k[2] == k[4] && k[3] == k[5]) {
                assertSame(batch.inputs().data(), out.inputs().data(), what + ": in place");
            } else {
                assertNotSame(batch.inputs().data(), out.inputs().data(), what);
                assertArrayEquals(before.inputs().data(), batch.inputs().data(), what + ": input batch untouched");
            }
        }
    }

    @Test
    void cropOffsetsCoverTheWholeRangeInclusive() {
        // 1x1 image of value 1, window 1x1, padding 2: the 1 lands at (2 - top, 2 - left) for top, left in 0..4.
        int n = 2000;
        float[] x = new float[n];
        Arrays.fill(x, 1f);
        Batch batch = new RandomCrop(1, 2).apply(new Batch(Tensor.of(x, n, 1, 1, 1), IndexTensor.of(new int[n], n)),
                new SplittableRandom(3));
        int ones = 0;
        for (float v : batch.inputs().data()) {
            ones += v == 1f ? 1 : 0;
        }
        // P(top == 2 and left == 2) = 1/25: about 80 of 2000; excluding 4 would make it 1/16, 0 would be 1/9.
        assertTrue(ones > 40 && ones < 120, ones + " of " + n + " windows hit the pixel");
        Batch wide = new RandomCrop("inputs", 1, 5, 2).apply(new Batch(Tensor.of(new float[]{1f}, 1, 1, 1, 1),
                IndexTensor.vector(0)), new SplittableRandom(3));
        assertArrayEquals(new float[]{0, 0, 1, 0, 0}, wide.inputs().data(), "5 wide window over a padded 5-wide row");
    }

    @Test
    void cropRejectsWindowsLargerThanThePaddedImageAndNonImages() {
        Batch batch = images(2, 3, 32, 32, 1);
        var e = assertThrows(IllegalArgumentException.class,
                () -> new RandomCrop(40, 2).apply(batch, new SplittableRandom(1)));
        assertEquals("RandomCrop of 40x40 is larger than the padded images: batch field 'inputs' is [2, 3, 32, 32], "
                + "36x36 with padding 2", e.getMessage());
        Batch flat = new Batch(Tensor.of(new float[6], 2, 3), IndexTensor.vector(0, 1));
        e = assertThrows(IllegalArgumentException.class, () -> new RandomCrop(32, 4).apply(flat, new SplittableRandom(1)));
        assertEquals("RandomCrop needs batch field 'inputs' as images [B, C, H, W], got [2, 3] (rank 2)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new RandomCrop("pixels", 4, 4, 0).apply(batch, new SplittableRandom(1)));
        assertTrue(e.getMessage().contains("no field 'pixels'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RandomCrop(0, 4));
        assertThrows(IllegalArgumentException.class, () -> new RandomCrop(32, -1));
    }

    // ---- RandomHorizontalFlip ------------------------------------------------------------------

    private static float[] naiveFlip(Batch batch, double p, SplittableRandom random) {
        int[] s = batch.inputs().shape();
        float[] in = batch.inputs().data();
        float[] out = new float[in.length];
        for (int b = 0; b < s[0]; b++) {
            boolean flip = random.nextDouble() < p;
            for (int c = 0; c < s[1]; c++) {
                for (int y = 0; y < s[2]; y++) {
                    for (int x = 0; x < s[3]; x++) {
                        int from = flip ? s[3] - 1 - x : x;
                        out[((b * s[1] + c) * s[2] + y) * s[3] + x] = in[((b * s[1] + c) * s[2] + y) * s[3] + from];
                    }
                }
            }
        }
        return out;
    }

    @Test
    void flipMirrorsRowsExactly() {
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        Batch batch = new Batch(Tensor.of(x, 1, 2, 2, 3), IndexTensor.vector(0));
        assertSame(batch, new RandomHorizontalFlip(1.0).apply(batch, new SplittableRandom(0)));
        assertArrayEquals(new float[]{3, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10}, x);
        new RandomHorizontalFlip(0.0).apply(batch, new SplittableRandom(0));
        assertArrayEquals(new float[]{3, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10}, x, "p = 0 never flips");

        for (int[] k : new int[][]{{33, 3, 5, 7}, {8, 1, 4, 8}, {3, 2, 1, 1}, {5, 3, 32, 32}}) {
            for (double p : new double[]{0, 0.5, 0.9, 1}) {
                Batch b = images(k[0], k[1], k[2], k[3], 4);
                float[] expected = naiveFlip(copy(b), p, new SplittableRandom(21));
                new RandomHorizontalFlip(p).apply(b, new SplittableRandom(21));
                assertArrayEquals(expected, b.inputs().data(), Arrays.toString(k) + " p " + p);
            }
        }
        // p = 0.5 flips some and keeps some
        Batch b = images(64, 1, 1, 2, 4);
        float[] before = b.inputs().data().clone();
        new RandomHorizontalFlip().apply(b, new SplittableRandom(5));
        int flipped = 0;
        for (int i = 0; i < 64; i++) {
            flipped += b.inputs().data()[2 * i] == before[2 * i + 1] ? 1 : 0;
        }
        assertTrue(flipped > 16 && flipped < 48, flipped + " of 64 flipped");
        assertThrows(IllegalArgumentException.class, () -> new RandomHorizontalFlip(1.5));
        assertThrows(IllegalArgumentException.class, () -> new RandomHorizontalFlip(Double.NaN));
    }

    // ---- Normalize -----------------------------------------------------------------------------

    @Test
    void normalizeGivesExactValuesPerChannel() {
        float[] x = {0f, 0.5f, 1f, 0.25f, /* channel 1 */ 0f, 0.5f, 1f, 0.25f};
        Batch batch = new Batch(Tensor.of(x, 1, 2, 2, 2), IndexTensor.vector(0));
        Normalize n = new Normalize(new float[]{0.5f, 0.25f}, new float[]{0.25f, 0.5f});
        assertSame(batch, n.apply(batch, new SplittableRandom(0)));
        assertArrayEquals(new float[]{-2f, 0f, 2f, -1f, -0.5f, 0.5f, 1.5f, 0f}, x);

        // CIFAR-10 statistics on awkward shapes: (x - mean) / std in float, as torchvision's sub_ then div_
        float[] mean = {0.4914f, 0.4822f, 0.4465f};
        float[] std = {0.2470f, 0.2435f, 0.2616f};
        for (int[] k : new int[][]{{7, 3, 5, 9}, {1, 3, 1, 1}, {2, 3, 32, 32}}) {
            Batch b = images(k[0], k[1], k[2], k[3], 8);
            float[] in = b.inputs().data().clone();
            new Normalize(mean, std).apply(b, null);
            int plane = k[2] * k[3];
            for (int i = 0; i < in.length; i++) {
                int c = (i / plane) % 3;
                assertEquals((in[i] - mean[c]) / std[c], b.inputs().data()[i], Arrays.toString(k) + " element " + i);
            }
        }
        // [B, C] (no spatial axes) and another field
        Batch features = new Batch(java.util.Map.of("feats", Tensor.of(new float[]{1, 2, 3, 4}, 2, 2)));
        new Normalize("feats", new float[]{1, 2}, new float[]{2, 4}).apply(features, null);
        assertArrayEquals(new float[]{0f, 0f, 1f, 0.5f}, features.tensor("feats").data());
    }

    @Test
    void normalizeRejectsBadStatisticsAndChannelMismatch() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Normalize(new float[]{0.5f}, new float[]{0.2f, 0.3f}));
        assertTrue(e.getMessage().contains("got 1 means [0.5] and 2 stds [0.2, 0.3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Normalize(new float[]{0.5f, 0.5f}, new float[]{0.2f, 0f}));
        assertTrue(e.getMessage().contains("channel 1 has mean 0.5 and std 0.0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Normalize(new float[]{Float.NaN}, new float[]{1f}));
        Normalize n = new Normalize(new float[]{0.5f, 0.5f, 0.5f}, new float[]{1f, 1f, 1f});
        e = assertThrows(IllegalArgumentException.class, () -> n.apply(images(2, 1, 28, 28, 0), null));
        assertEquals("Normalize has 3 channels but batch field 'inputs' is [2, 1, 28, 28] (1 channels at axis 1)", e.getMessage());
    }

    /** Per channel, the mean and population std over all values of all samples, in double, two passes. */
    private static double[][] reference(float[] x, int n, int channels, int plane) {
        double[][] out = new double[2][channels];
        for (int c = 0; c < channels; c++) {
            double sum = 0;
            for (int s = 0; s < n; s++) {
                for (int j = 0; j < plane; j++) {
                    sum += x[(s * channels + c) * plane + j];
                }
            }
            double mean = sum / ((double) n * plane);
            double sq = 0;
            for (int s = 0; s < n; s++) {
                for (int j = 0; j < plane; j++) {
                    double d = x[(s * channels + c) * plane + j] - mean;
                    sq += d * d;
                }
            }
            out[0][c] = mean;
            out[1][c] = Math.sqrt(sq / ((double) n * plane));
        }
        return out;
    }

    private static TensorDataset dataset(int n, int channels, int h, int w, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n * channels * h * w];
        int plane = h * w;
        for (int i = 0; i < x.length; i++) {
            int c = (i / plane) % channels;
            // a different level and spread per channel; a large offset makes naive sums of squares lose digits
            x[i] = 100 + c + (float) r.nextDouble() * (c + 1) * 0.1f;
        }
        int[] t = new int[n];
        Arrays.setAll(t, i -> i % 10);
        return TensorDataset.of(Tensor.of(x, n, channels, h, w), IndexTensor.of(t, n));
    }

    @Test
    void fitMatchesADoubleComputationAcrossChunksAndOnSubsets() {
        for (int[] k : new int[][]{{1, 3, 2, 3}, {300, 3, 5, 7}, {513, 2, 1, 1}, {17, 1, 4, 4}}) {
            TensorDataset d = dataset(k[0], k[1], k[2], k[3], k[0]);
            Normalize n = Normalize.fit(d);
            double[][] ref = reference(d.tensor("inputs").data(), k[0], k[1], k[2] * k[3]);
            for (int c = 0; c < k[1]; c++) {
                assertEquals((float) ref[0][c], n.mean()[c], Math.ulp((float) ref[0][c]), Arrays.toString(k) + " mean " + c);
                assertEquals(ref[1][c], n.std()[c], 1e-6 * ref[1][c] + 1e-9, Arrays.toString(k) + " std " + c);
            }
        }
        // on a Subset: only its samples count
        TensorDataset d = dataset(400, 3, 3, 3, 5);
        Subset part = Subset.randomSplit(d, 1, 300, 100).get(1);
        float[] gathered = part.batch(Permutations.identity(100)).inputs().data();
        double[][] ref = reference(gathered, 100, 3, 9);
        Normalize n = Normalize.fit(part, "inputs");
        for (int c = 0; c < 3; c++) {
            assertEquals((float) ref[0][c], n.mean()[c], Math.ulp((float) ref[0][c]), "subset mean " + c);
            assertEquals(ref[1][c], n.std()[c], 1e-6 * ref[1][c], "subset std " + c);
        }
        // and the fitted transform does normalize it: mean 0, std 1 per channel
        Batch all = n.apply(part.batch(Permutations.identity(100)), null);
        double[][] after = reference(all.inputs().data(), 100, 3, 9);
        for (int c = 0; c < 3; c++) {
            assertEquals(0, after[0][c], 1e-3, "normalized mean " + c);
            assertEquals(1, after[1][c], 1e-3, "normalized std " + c);
        }
    }

    @Test
    void fitRejectsConstantChannelsIndexFieldsAndEmptySets() {
        float[] x = new float[4 * 2 * 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i / 3) % 2 == 0 ? i : 0.25f; // channel 1 is constant
        }
        TensorDataset d = TensorDataset.of(Tensor.of(x, 4, 2, 3), IndexTensor.vector(0, 1, 2, 3));
        var e = assertThrows(IllegalArgumentException.class, () -> Normalize.fit(d));
        assertTrue(e.getMessage().startsWith("channel 1 of field 'inputs' is constant (0.25) over the 4 samples"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Normalize.fit(d, "targets"));
        assertTrue(e.getMessage().contains("of indices"), e.getMessage());
        TensorDataset empty = TensorDataset.of(Tensor.of(new float[0], 0, 3, 2, 2), IndexTensor.of(new int[0], 0));
        assertThrows(IllegalArgumentException.class, () -> Normalize.fit(empty));
    }

    @Test
    void fitOnTheSharedCifarSubsetIsCloseToThePublishedTrainingSetStatistics() throws IOException {
        TensorDataset train = Cifar10Format.load(SharedFolders.dataOrSkip("cifar10-subset")).train();
        Normalize n = Normalize.fit(train);
        double[][] ref = reference(train.tensor("inputs").data(), train.size(), 3, 1024);
        // Widely quoted statistics of all 50000 training images; 4000 of them are close.
        float[] published = {0.4914f, 0.4822f, 0.4465f};
        float[] publishedStd = {0.2470f, 0.2435f, 0.2616f};
        for (int c = 0; c < 3; c++) {
            assertEquals((float) ref[0][c], n.mean()[c], 1e-6, "mean " + c);
            assertEquals((float) ref[1][c], n.std()[c], 1e-6, "std " + c);
            assertEquals(published[c], n.mean()[c], 0.005, "mean " + c + " vs the full training set");
            assertEquals(publishedStd[c], n.std()[c], 0.005, "std " + c + " vs the full training set");
        }
    }

    // ---- in a DataLoader -----------------------------------------------------------------------

    private static List<float[]> epochInputs(DataLoader loader, int epoch) {
        List<float[]> out = new ArrayList<>();
        try (DataLoader.Batches batches = loader.epoch(epoch)) {
            while (batches.hasNext()) {
                out.add(batches.next().inputs().data().clone());
            }
        }
        return out;
    }

    private static DataLoader loader(TensorDataset d, long seed, int prefetch, Transform t) {
        return DataLoader.builder(d).batchSize(8).shuffle(true).seed(seed).prefetch(prefetch).transform(t).build();
    }

    @Test
    void augmentationIsReproducibleBySeedAndDiffersAcrossEpochs() {
        TensorDataset d = dataset(37, 3, 9, 9, 2);
        Normalize normalize = Normalize.fit(d);
        Transform augment = new RandomCrop(9, 2).andThen(new RandomHorizontalFlip()).andThen(normalize);
        DataLoader a = loader(d, 42, 0, augment);
        DataLoader b = loader(d, 42, 2, augment);
        for (int epoch = 0; epoch < 3; epoch++) {
            List<float[]> x = epochInputs(a, epoch);
            List<float[]> y = epochInputs(b, epoch);
            assertEquals(x.size(), y.size());
            for (int i = 0; i < x.size(); i++) {
                assertArrayEquals(x.get(i), y.get(i), "epoch " + epoch + " batch " + i + ": same seed, same batch");
            }
        }
        assertArrayEquals(epochInputs(a, 1).get(2), epochInputs(a, 1).get(2), "an epoch can be replayed");

        // Without shuffling, epochs differ only by the augmentation: the crops must change.
        DataLoader ordered = DataLoader.builder(d).batchSize(8).seed(42).transform(new RandomCrop(9, 2)).build();
        List<float[]> e0 = epochInputs(ordered, 0);
        List<float[]> e1 = epochInputs(ordered, 1);
        for (int i = 0; i < e0.size(); i++) {
            assertFalse(Arrays.equals(e0.get(i), e1.get(i)), "batch " + i + " cropped alike in epochs 0 and 1");
        }
        DataLoader otherSeed = DataLoader.builder(d).batchSize(8).seed(43).transform(new RandomCrop(9, 2)).build();
        assertFalse(Arrays.equals(e0.get(0), epochInputs(otherSeed, 0).get(0)), "another seed, other crops");
        assertEquals(5, e0.size(), "37 samples: the last batch of 5 is augmented too");
        assertEquals(5 * 3 * 81, e0.get(4).length);
    }

    @Test
    void inPlaceAugmentationKeepsBatchesRecyclable() {
        TensorDataset d = dataset(32, 3, 8, 8, 3);
        Transform augment = new RandomCrop(8, 4).andThen(new RandomHorizontalFlip()).andThen(Normalize.fit(d));
        DataLoader loader = DataLoader.builder(d).batchSize(8).prefetch(0).seed(1).transform(augment).build();
        try (DataLoader.Batches batches = loader.epoch(0)) {
            Batch first = batches.next();
            float[] array = first.inputs().data();
            batches.recycle(first);
            assertSame(array, batches.next().inputs().data(), "the recycled inputs array is filled again");
        }
    }
}
