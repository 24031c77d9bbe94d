package io.isthmus.ops;

import io.isthmus.kernels.Threads;
import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Batched matmul with broadcast leading dims and transposed operands, forward and backward,
 * against plain float64 loops written here, on sizes 1, 7, 17, 33 on one and two threads; the
 * batch scheduler on its own (which thread runs what, and in which order).
 */
class BatchedMatMulTest {

    private final int threadsBefore = Threads.count();

    @AfterEach
    void restoreThreads() {
        Threads.set(threadsBefore);
    }

    /** aShape, bShape (as stored), transA, transB. */
    private record Case(int[] a, int[] b, boolean transA, boolean transB) {
        @Override
        public String toString() {
            return Arrays.toString(a) + (transA ? "^T" : "") + " @ " + Arrays.toString(b) + (transB ? "^T" : "");
        }
    }

    private static List<Case> cases() {
        return List.of(
                new Case(new int[]{7, 17}, new int[]{17, 33}, false, false),
                new Case(new int[]{2, 3, 7, 17}, new int[]{2, 3, 17, 33}, false, false),
                new Case(new int[]{2, 3, 7, 17}, new int[]{2, 3, 7, 17}, false, true), // q k^T
                new Case(new int[]{2, 3, 17, 7}, new int[]{2, 3, 17, 33}, true, false),
                new Case(new int[]{1, 3, 17, 7}, new int[]{2, 1, 33, 17}, true, true), // both broadcast
                new Case(new int[]{7, 1, 1, 33}, new int[]{5, 33, 1}, false, false), // [7, 1] and [5] broadcast to [7, 5], N = 1
                new Case(new int[]{17, 7}, new int[]{4, 7, 33}, false, false), // a shared by the batch
                new Case(new int[]{4, 1, 7}, new int[]{7, 17}, false, false), // b shared: one tall GEMM
                new Case(new int[]{4, 1, 7}, new int[]{17, 7}, false, true),
                new Case(new int[]{3, 7, 4}, new int[]{1, 7, 17}, true, false), // b broadcast, a transposed
                new Case(new int[]{1, 1, 1}, new int[]{1, 1, 1}, false, false),
                new Case(new int[]{2, 33, 33}, new int[]{2, 33, 33}, true, true));
    }

    @Test
    void forwardAndGradientsMatchLoopsOnOneAndTwoThreads() {
        for (int threads : new int[]{1, 2}) {
            Threads.set(threads);
            int seed = 0;
            for (Case c : cases()) {
                check(c, ++seed, threads);
            }
        }
    }

    @Test
    void batchesLargeEnoughToSplitMatchLoops() {
        // 16 products of 64 x 33 x 64: above BatchedGemm.PARALLEL_WORK, so split over two threads
        Case big = new Case(new int[]{2, 8, 64, 33}, new int[]{8, 64, 33}, false, true);
        Case broadcast = new Case(new int[]{4, 1, 33, 64}, new int[]{4, 4, 33, 64}, true, false);
        for (int threads : new int[]{1, 2}) {
            Threads.set(threads);
            check(big, 100, threads);
            check(broadcast, 101, threads);
        }
    }

    private static void check(Case c, long seed, int threads) {
        SplittableRandom random = new SplittableRandom(seed);
        Tensor a = Tensor.uniform(random, -1, 1, c.a()).requiresGrad(true);
        Tensor b = Tensor.uniform(random, -1, 1, c.b()).requiresGrad(true);
        Tensor out = MatMul.matmul(a, c.transA(), b, c.transB());
        Reference ref = new Reference(c, a.data(), b.data());
        String what = c + " on " + threads + " thread(s)";
        assertArrayEquals(ref.outShape, out.shape(), what + " shape");
        assertClose(what + " out", ref.out, out.data());
        float[] g = Tensor.uniform(random, -1, 1, ref.outShape).data();
        out.backward(g);
        double[][] grads = ref.gradients(g);
        assertClose(what + " grad a", grads[0], a.grad());
        assertClose(what + " grad b", grads[1], b.grad());
    }

    private static void assertClose(String what, double[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(expected[i] - actual[i]) <= 1e-4 + 1e-4 * Math.abs(expected[i]))) {
                fail(what + ": element " + i + " is " + actual[i] + ", the loop gives " + expected[i]);
            }
        }
    }

    /** op(A) @ op(B) and its gradients by plain loops over the broadcast batch, in float64. */
    private static final class Reference {
        final Case c;
        final float[] a;
        final float[] b;
        final int m;
        final int n;
        final int k;
        final int[] lead;
        final int[] outShape;
        final double[] out;

        Reference(Case c, float[] a, float[] b) {
            this.c = c;
            this.a = a;
            this.b = b;
            int ra = c.a().length;
            int rb = c.b().length;
            m = c.transA() ? c.a()[ra - 1] : c.a()[ra - 2];
            k = c.transA() ? c.a()[ra - 2] : c.a()[ra - 1];
            n = c.transB() ? c.b()[rb - 2] : c.b()[rb - 1];
            int rank = Math.max(ra, rb) - 2;
            lead = new int[rank];
            for (int d = 0; d < rank; d++) {
                int da = leadSize(c.a(), d, rank);
                int db = leadSize(c.b(), d, rank);
                lead[d] = Math.max(da, db);
            }
            outShape = Arrays.copyOf(lead, rank + 2);
            outShape[rank] = m;
            outShape[rank + 1] = n;
            out = new double[Shape.numel(outShape)];
            for (int p = 0; p < Shape.numel(lead); p++) {
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double sum = 0;
                        for (int l = 0; l < k; l++) {
                            sum += (double) a[aAt(p, i, l)] * b[bAt(p, l, j)];
                        }
                        out[(p * m + i) * n + j] = sum;
                    }
                }
            }
        }

        /** Size of leading axis d (of {@code rank}, right-aligned) of a stored shape; 1 where it has none. */
        private static int leadSize(int[] shape, int d, int rank) {
            int own = d - (rank - (shape.length - 2));
            return own < 0 ? 1 : shape[own];
        }

        /** Flat position in {@code shape}'s storage of op(X)[row][col] for batch product p. */
        private int at(int[] shape, boolean trans, int p, int row, int col) {
            int rank = lead.length;
            int[] coordinates = Shape.unflatten(p, lead);
            int slice = 0;
            int stride = 1;
            for (int d = shape.length - 3; d >= 0; d--) {
                int ld = d + rank - (shape.length - 2);
                int coordinate = shape[d] == 1 ? 0 : coordinates[ld];
                slice += coordinate * stride;
                stride *= shape[d];
            }
            int rows = shape[shape.length - 2];
            int cols = shape[shape.length - 1];
            int r = trans ? col : row;
            int cc = trans ? row : col;
            return slice * rows * cols + r * cols + cc;
        }

        private int aAt(int p, int i, int l) {
            return at(c.a(), c.transA(), p, i, l);
        }

        private int bAt(int p, int l, int j) {
            return at(c.b(), c.transB(), p, l, j);
        }

        /** d(sum(out * g)) / dA and / dB, summed over the products that read each element. */
        double[][] gradients(float[] g) {
            double[] da = new double[a.length];
            double[] db = new double[b.length];
            for (int p = 0; p < Shape.numel(lead); p++) {
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double up = g[(p * m + i) * n + j];
                        for (int l = 0; l < k; l++) {
                            da[aAt(p, i, l)] += up * b[bAt(p, l, j)];
                            db[bAt(p, l, j)] += up * a[aAt(p, i, l)];
                        }
                    }
                }
            }
            return new double[][]{da, db};
        }
    }

    @Test
    void gradientsByFiniteDifferences() {
        SplittableRandom random = new SplittableRandom(5);
        for (Case c : List.of(
                new Case(new int[]{2, 3, 4}, new int[]{2, 4, 5}, false, false),
                new Case(new int[]{2, 1, 3, 4}, new int[]{3, 5, 4}, false, true),
                new Case(new int[]{1, 4, 3}, new int[]{2, 4, 2}, true, false),
                new Case(new int[]{3, 4, 2}, new int[]{5, 4}, true, true),
                new Case(new int[]{3, 2, 4}, new int[]{1, 4, 3}, false, false))) {
            GradCheck.check(c.toString(), in -> MatMul.matmul(in.get(0), c.transA(), in.get(1), c.transB()),
                    List.of(Tensor.uniform(random, -1, 1, c.a()), Tensor.uniform(random, -1, 1, c.b())));
        }
    }

    @Test
    void tensorMatmulBroadcastsLeadingDimsAndStaysTheSameFor2d() {
        Tensor a = Tensor.of(new float[]{1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor b = Tensor.of(new float[]{1, 0, 0, 1, 1, 1}, 3, 2);
        assertArrayEquals(new float[]{4, 5, 10, 11}, a.matmul(b).data());
        Tensor batch = Tensor.of(new float[]{1, 0, 0, 1, 2, 0, 0, 2}, 2, 1, 2, 2);
        Tensor shared = Tensor.of(new float[]{1, 2, 3, 4}, 2, 2);
        Tensor out = shared.matmul(batch);
        assertArrayEquals(new int[]{2, 1, 2, 2}, out.shape());
        assertArrayEquals(new float[]{1, 2, 3, 4, 2, 4, 6, 8}, out.data());
    }

    @Test
    void badShapesAreNamed() {
        Tensor a = Tensor.zeros(2, 3, 4, 5);
        IllegalArgumentException inner = assertThrows(IllegalArgumentException.class,
                () -> MatMul.matmul(a, Tensor.zeros(2, 3, 4, 5)));
        assertTrue(inner.getMessage().contains("inner dimensions") && inner.getMessage().contains("5 vs 4"), inner.getMessage());
        IllegalArgumentException batch = assertThrows(IllegalArgumentException.class,
                () -> MatMul.matmul(a, Tensor.zeros(4, 5, 2)));
        assertTrue(batch.getMessage().contains("[2, 3]") && batch.getMessage().contains("[4]"), batch.getMessage());
        IllegalArgumentException rank = assertThrows(IllegalArgumentException.class, () -> MatMul.matmul(a, Tensor.zeros(5)));
        assertTrue(rank.getMessage().contains("rank >= 2"), rank.getMessage());
        IllegalArgumentException transposed = assertThrows(IllegalArgumentException.class,
                () -> MatMul.matmul(a, false, Tensor.zeros(2, 3, 5, 4), true));
        assertTrue(transposed.getMessage().contains("^T"), transposed.getMessage());
    }

    @Test
    void emptyBatchesAndEmptyInnerDimensionsGiveZeros() {
        Tensor a = Tensor.zeros(0, 3, 4).requiresGrad(true);
        Tensor b = Tensor.ones(1, 4, 2).requiresGrad(true);
        Tensor out = MatMul.matmul(a, b);
        assertArrayEquals(new int[]{0, 3, 2}, out.shape());
        out.backward(new float[0]);
        assertArrayEquals(new float[8], b.grad());
        Tensor x = Tensor.ones(2, 3, 0).requiresGrad(true);
        Tensor y = Tensor.ones(2, 0, 5).requiresGrad(true);
        Tensor z = MatMul.matmul(x, y);
        assertArrayEquals(new float[30], z.data());
    }

    // ---- the scheduler -----------------------------------------------------------------------

    @Test
    void bigBatchesRunOnSeveralThreadsEachProductOnOneThreadSmallOnesOnTheCaller() {
        Threads.set(2);
        Set<Thread> threads = Collections.synchronizedSet(new HashSet<>());
        List<Integer> countsSeen = Collections.synchronizedList(new ArrayList<>());
        BatchedGemm.run(64, BatchedGemm.PARALLEL_WORK, (p, beta) -> {
            threads.add(Thread.currentThread());
            countsSeen.add(Threads.count());
            busyWait();
        });
        assertEquals(2, threads.size(), "threads that ran the products");
        assertTrue(countsSeen.stream().allMatch(n -> n == 1), "a product's GEMM must see one thread: " + countsSeen);

        threads.clear();
        countsSeen.clear();
        BatchedGemm.run(64, 8, (p, beta) -> {
            threads.add(Thread.currentThread());
            countsSeen.add(Threads.count());
        });
        assertEquals(Set.of(Thread.currentThread()), threads, "a tiny batch stays on the caller");
        assertTrue(countsSeen.stream().allMatch(n -> n == 2), "a product run by the caller may use every thread");
    }

    private static void busyWait() {
        long end = System.nanoTime() + 200_000;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    @Test
    void productsOfOneSliceRunInOrderOnOneThreadFirstOverwriting() {
        Threads.set(2);
        int products = 40;
        int slices = 4;
        int[] sliceOf = new int[products];
        for (int p = 0; p < products; p++) {
            sliceOf[p] = (p * 7) % slices;
        }
        List<List<String>> log = new ArrayList<>();
        for (int s = 0; s < slices; s++) {
            log.add(Collections.synchronizedList(new ArrayList<>()));
        }
        BatchedGemm.run(products, sliceOf, slices, BatchedGemm.PARALLEL_WORK, (p, beta) ->
                log.get(sliceOf[p]).add(p + "/" + beta + "/" + Thread.currentThread().getName()));
        for (int s = 0; s < slices; s++) {
            List<String> entries = log.get(s);
            assertEquals(products / slices, entries.size(), "products of slice " + s);
            Set<String> threadNames = new HashSet<>();
            int previous = -1;
            for (int e = 0; e < entries.size(); e++) {
                String[] parts = entries.get(e).split("/");
                int p = Integer.parseInt(parts[0]);
                assertTrue(p > previous, "slice " + s + " ran its products out of order: " + entries);
                previous = p;
                assertEquals(e == 0 ? "0.0" : "1.0", parts[1], "beta of entry " + e + " of slice " + s);
                threadNames.add(parts[2]);
            }
            assertEquals(1, threadNames.size(), "slice " + s + " was written by several threads: " + entries);
        }
    }
}
