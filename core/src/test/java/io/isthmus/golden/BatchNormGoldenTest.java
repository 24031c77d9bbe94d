package io.isthmus.golden;

import io.isthmus.nn.BatchNorm1d;
import io.isthmus.nn.BatchNorm2d;
import io.isthmus.nn.BatchNormBase;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The golden cases of BatchNorm1d and BatchNorm2d in training mode, run through the layers
 * (fresh running statistics, the case's weight and bias, eps and momentum): output, the
 * gradients of x, weight and bias, and the running statistics after the step, within 1e-5
 * absolute + 1e-4 relative.
 */
class BatchNormGoldenTest {

    private static final double ATOL = 1e-5;
    private static final double RTOL = 1e-4;
    static final GoldenSuite SUITE = GoldenSuite.published("batchnorm1d_train", "batchnorm2d_train");

    @TestFactory
    Stream<DynamicTest> matchesPyTorch() {
        return SUITE.cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    /** A fresh layer with the case's op, channel count, eps and momentum. */
    static BatchNormBase layer(GoldenCase c, int channels) {
        double eps = c.number("eps", 1e-5);
        double momentum = c.number("momentum", 0.1);
        BatchNormBase layer = switch (c.op()) {
            case "batchnorm1d" -> new BatchNorm1d(channels, eps, momentum, true, true);
            case "batchnorm2d" -> new BatchNorm2d(channels, eps, momentum, true, true);
            default -> throw new AssertionError("unexpected op " + c.op());
        };
        if (!c.flag("training", true)) {
            layer.eval();
        }
        return layer;
    }

    private static void check(GoldenCase c) {
        Tensor x = c.tensor("x").requiresGrad(true);
        BatchNormBase layer = layer(c, x.size(1));
        System.arraycopy(c.tensor("weight").data(), 0, layer.weight().data(), 0, x.size(1));
        System.arraycopy(c.tensor("bias").data(), 0, layer.bias().data(), 0, x.size(1));
        Tensor out = layer.forward(x);
        GoldenCases.assertClose(c.name() + " out", c.tensor("out").data(), out.data(), ATOL, RTOL);
        out.backward(c.tensor("grad_out").data());
        GoldenCases.assertClose(c.name() + " grad.x", c.tensor("grad.x").data(), x.grad(), ATOL, RTOL);
        GoldenCases.assertClose(c.name() + " grad.weight", c.tensor("grad.weight").data(), layer.weight().grad(), ATOL, RTOL);
        GoldenCases.assertClose(c.name() + " grad.bias", c.tensor("grad.bias").data(), layer.bias().grad(), ATOL, RTOL);
        GoldenCases.assertClose(c.name() + " running_mean after the step", c.tensor("running_mean_after").data(),
                layer.runningMean().data(), ATOL, RTOL);
        GoldenCases.assertClose(c.name() + " running_var after the step", c.tensor("running_var_after").data(),
                layer.runningVar().data(), ATOL, RTOL);
        assertEquals(1, layer.numBatchesTracked(), c.name() + " num_batches_tracked");
    }
}
