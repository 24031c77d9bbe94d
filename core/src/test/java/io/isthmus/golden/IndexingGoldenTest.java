package io.isthmus.golden;

import io.isthmus.ops.Indexing;
import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.stream.Stream;

/**
 * The golden cases of the indexing ops (embedding lookup): forward output and the weight
 * gradient of sum(out * grad_out), within 1e-5 absolute + 1e-4 relative.
 */
class IndexingGoldenTest {

    private static final double ATOL = 1e-5;
    private static final double RTOL = 1e-4;
    static final GoldenSuite SUITE = GoldenSuite.published("embedding");

    @TestFactory
    Stream<DynamicTest> matchesPyTorch() {
        return SUITE.cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    private static void check(GoldenCase c) {
        if (!c.op().equals("embedding")) {
            throw new AssertionError("unexpected op " + c.op());
        }
        Tensor weight = c.tensor("weight").requiresGrad(true);
        IndexTensor ids = c.indices("indices");
        Tensor out = c.string("padding_idx") != null
                ? Indexing.embedding(weight, ids, (int) c.number("padding_idx", 0))
                : Indexing.embedding(weight, ids);
        GoldenCases.assertClose(c.name() + " out", c.tensor("out").data(), out.data(), ATOL, RTOL);
        out.backward(c.tensor("grad_out").data());
        GoldenCases.assertClose(c.name() + " grad.weight", c.tensor("grad.weight").data(), weight.grad(), ATOL, RTOL);
    }
}
