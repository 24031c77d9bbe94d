package io.isthmus.golden;

import io.isthmus.nn.AdaptiveAvgPool2d;
import io.isthmus.nn.AvgPool2d;
import io.isthmus.nn.Layer;
import io.isthmus.nn.MaxPool2d;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.stream.Stream;

/**
 * The golden cases of max, average and global average pooling, run through the layers built
 * with each case's settings: forward output and the input gradient of sum(out * grad_out),
 * within 1e-5 absolute + 1e-4 relative.
 */
class PoolingGoldenTest {

    private static final double ATOL = 1e-5;
    private static final double RTOL = 1e-4;
    static final GoldenSuite SUITE = GoldenSuite.published("maxpool2d_2x2", "maxpool2d_3x3_s2_p1", "avgpool2d_2x2",
            "global_avgpool");

    @TestFactory
    Stream<DynamicTest> matchesPyTorch() {
        return SUITE.cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    /** The layer a case's op and settings describe (stride defaults to the kernel, padding to 0, as in PyTorch). */
    static Layer layer(GoldenCase c) {
        int kernel = (int) c.number("kernel", -1);
        int stride = (int) c.number("stride", kernel);
        int padding = (int) c.number("padding", 0);
        return switch (c.op()) {
            case "maxpool2d" -> new MaxPool2d(kernel, stride, padding);
            case "avgpool2d" -> {
                if (!c.flag("count_include_pad", true) || c.flag("ceil_mode", false)) {
                    throw new AssertionError(c.name() + ": settings beyond kernel/stride/padding are not understood here");
                }
                yield new AvgPool2d(kernel, stride, padding);
            }
            case "global_avgpool" -> new AdaptiveAvgPool2d(1);
            default -> throw new AssertionError("unexpected op " + c.op());
        };
    }

    private static void check(GoldenCase c) {
        Tensor x = c.tensor("x").requiresGrad(true);
        Tensor out = layer(c).forward(x);
        GoldenCases.assertClose(c.name() + " out", c.tensor("out").data(), out.data(), ATOL, RTOL);
        org.junit.jupiter.api.Assertions.assertArrayEquals(c.tensor("out").shape(), out.shape(), c.name() + " out shape");
        out.backward(c.tensor("grad_out").data());
        GoldenCases.assertClose(c.name() + " grad.x", c.tensor("grad.x").data(), x.grad(), ATOL, RTOL);
    }
}
