package io.isthmus.golden;

import io.isthmus.ops.Indexing;
import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The embedding lookup of {@link IndexingGoldenTest}'s cases, with each case's settings, on odd
 * table sizes and id shapes: forward against a float64 reference and the weight gradient of
 * sum(out * grad_out) against float64 central differences of that reference, within 1e-5
 * absolute + 1e-4 relative. Ids repeat (a row used several times sums its gradients) and some
 * rows are never used (their gradient is zero).
 */
class IndexingOddSizesTest {

    static final GoldenSuite SUITE = GoldenSuite.oddSizes("embedding");

    private static final double ATOL = 1e-5;
    private static final double RTOL = 1e-4;

    /** {numEmbeddings, dim, id shape...}. */
    private static final int[][] SHAPES = {{1, 1, 1}, {1, 7, 3}, {7, 1, 17}, {7, 17, 3, 5}, {33, 7, 2, 17},
            {17, 33, 7}, {127, 3, 1, 33}, {33, 127, 2, 3, 7}};

    @TestFactory
    Stream<DynamicTest> matchesTheFloat64ReferenceOnOddSizes() {
        return SUITE.cases().stream().flatMap(c -> Arrays.stream(SHAPES).map(s ->
                DynamicTest.dynamicTest(c.name() + " " + Arrays.toString(s), () -> check(c, s))));
    }

    private static void check(GoldenCase c, int[] sizes) {
        if (!c.op().equals("embedding")) {
            throw new AssertionError("unexpected op " + c.op());
        }
        int rows = sizes[0];
        int dim = sizes[1];
        int[] idShape = Arrays.copyOfRange(sizes, 2, sizes.length);
        int count = Arrays.stream(idShape).reduce(1, (x, y) -> x * y);
        SplittableRandom random = new SplittableRandom(Arrays.hashCode(sizes));
        int[] ids = new int[count];
        for (int p = 0; p < count; p++) {
            ids[p] = random.nextInt(rows);
        }
        String padding = c.string("padding_idx");
        int paddingRow = padding == null ? -1 : Indexing.paddingRow((int) Double.parseDouble(padding), rows);
        float[] w = DoubleReference.uniform(random, rows * dim, -2, 2, 0);
        float[] gradOut = DoubleReference.uniform(random, count * dim, -1, 1, 0);
        Tensor weight = Tensor.of(w.clone(), rows, dim).requiresGrad(true);
        IndexTensor idTensor = IndexTensor.of(ids.clone(), idShape);
        Tensor out = paddingRow >= 0 ? Indexing.embedding(weight, idTensor, paddingRow) : Indexing.embedding(weight, idTensor);
        out.backward(gradOut);

        double[] wd = DoubleReference.widen(w);
        double[] g = DoubleReference.widen(gradOut);
        double[] expectedGrad = DoubleReference.gradient(v -> DoubleReference.dot(lookup(v, ids, dim), g), wd);
        if (paddingRow >= 0) {
            Arrays.fill(expectedGrad, paddingRow * dim, (paddingRow + 1) * dim, 0);
        }
        String what = c.name() + " weight [" + rows + ", " + dim + "], ids " + Arrays.toString(idShape);
        DoubleReference.assertClose(what + " out", lookup(wd, ids, dim), out.data(), ATOL, RTOL);
        DoubleReference.assertClose(what + " grad.weight", expectedGrad, weight.grad(), ATOL, RTOL);
    }

    /** out[p, j] = w[ids[p], j]. */
    private static double[] lookup(double[] w, int[] ids, int dim) {
        double[] out = new double[ids.length * dim];
        for (int p = 0; p < ids.length; p++) {
            for (int j = 0; j < dim; j++) {
                out[p * dim + j] = w[ids[p] * dim + j];
            }
        }
        return out;
    }
}
