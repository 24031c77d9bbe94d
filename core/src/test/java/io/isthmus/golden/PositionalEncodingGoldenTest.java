package io.isthmus.golden;

import io.isthmus.nn.PositionalEncoding;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.stream.Stream;

/**
 * The golden sinusoidal table: {@link PositionalEncoding}'s {@code pe} buffer with the case's
 * d_model and max_len against PyTorch's, and its forward on zeros (which must return that table),
 * within 1e-5 absolute + 1e-4 relative.
 */
class PositionalEncodingGoldenTest {

    static final GoldenSuite SUITE = GoldenSuite.published("positional_encoding");

    @TestFactory
    Stream<DynamicTest> matchesPyTorch() {
        return SUITE.cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            int d = (int) c.number("d_model", 0);
            int maxLen = (int) c.number("max_len", 0);
            PositionalEncoding pe = new PositionalEncoding(d, maxLen);
            float[] expected = c.tensor("pe").data();
            GoldenCases.assertClose(c.name() + " pe", expected, pe.pe().data(), 1e-5, 1e-4);
            Tensor out = pe.forward(Tensor.zeros(1, maxLen, d));
            GoldenCases.assertClose(c.name() + " forward(zeros)", expected, out.data(), 1e-5, 1e-4);
        }));
    }
}
