package io.isthmus.loss;

import io.isthmus.ops.ShapeOps;
import io.isthmus.ops.Softmax;
import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Loss values against independent double-precision formulas and PyTorch's semantics (ignore
 * index, class weights, layouts, reductions), and the messages of bad input. Values within
 * 1e-5 absolute + 1e-5 relative unless said.
 */
class LossTest {

    private final SplittableRandom random = new SplittableRandom(11);

    private static IndexTensor labels(int... values) {
        return IndexTensor.vector(values);
    }

    private static void assertNear(double expected, double actual) {
        assertEquals(expected, actual, 1e-5 + 1e-5 * Math.abs(expected));
    }

    /** log softmax of one row, in double. */
    private static double[] logSoftmax(float[] x, int offset, int classes) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
            max = Math.max(max, x[offset + c]);
        }
        double sum = 0;
        for (int c = 0; c < classes; c++) {
            sum += Math.exp(x[offset + c] - max);
        }
        double[] out = new double[classes];
        for (int c = 0; c < classes; c++) {
            out[c] = x[offset + c] - max - Math.log(sum);
        }
        return out;
    }

    @Test
    void crossEntropyMatchesTheSmoothedFormulaWithWeights() {
        int n = 5;
        int classes = 4;
        Tensor logits = Tensor.randn(random, n, classes);
        float[] w = {0.5f, 2f, 1f, 3f};
        int[] y = {3, 1, -100, 0, 1};
        double eps = 0.2;
        double total = 0;
        double weightOfTargets = 0;
        for (int r = 0; r < n; r++) {
            if (y[r] == -100) {
                continue;
            }
            double[] logp = logSoftmax(logits.data(), r * classes, classes);
            int label = y[r];
            double smooth = 0;
            for (int c = 0; c < classes; c++) {
                smooth -= w[c] * logp[c];
            }
            total += (1 - eps) * (-w[label] * logp[label]) + eps / classes * smooth;
            weightOfTargets += w[label];
        }
        CrossEntropyLoss loss = new CrossEntropyLoss().withWeight(Tensor.of(w, classes)).withLabelSmoothing(eps);
        assertNear(total / weightOfTargets, loss.forward(logits, labels(y)).item());
        assertNear(total, loss.withReduction(Reduction.SUM).forward(logits, labels(y)).item());
    }

    @Test
    void crossEntropyWithoutSmoothingIsNllOfLogSoftmax() {
        Tensor logits = Tensor.randn(random, 6, 7);
        IndexTensor target = labels(0, 6, 3, 3, 1, 5);
        Tensor viaNll = new NLLLoss().withReduction(Reduction.NONE).forward(Softmax.logSoftmax(logits, 1), target);
        Tensor fused = new CrossEntropyLoss().withReduction(Reduction.NONE).forward(logits, target);
        assertArrayEquals(new int[]{6}, fused.shape());
        for (int i = 0; i < 6; i++) {
            assertNear(viaNll.data()[i], fused.data()[i]);
        }
    }

    @Test
    void ignoredRowsAddNothingAndGetNoGradient() {
        Tensor logits = Tensor.randn(random, 4, 3).requiresGrad(true);
        Tensor kept = ShapeOps.concat(0, ShapeOps.slice(logits, 0, 0, 1), ShapeOps.slice(logits, 0, 2, 3)).detach();
        CrossEntropyLoss loss = new CrossEntropyLoss().withLabelSmoothing(0.1);
        Tensor all = loss.forward(logits, labels(2, -100, 0, -100));
        assertNear(loss.forward(kept, labels(2, 0)).item(), all.item());
        all.backward();
        for (int c = 0; c < 3; c++) {
            assertEquals(0f, logits.grad()[3 + c]);
            assertEquals(0f, logits.grad()[9 + c]);
        }
        assertTrue(logits.grad()[0] != 0f);
    }

    @Test
    void everyRowIgnoredGivesNaNForTheMeanAsPyTorch() {
        Tensor logits = Tensor.randn(random, 2, 3);
        IndexTensor target = labels(-100, -100);
        assertTrue(Float.isNaN(new CrossEntropyLoss().forward(logits, target).item()));
        assertEquals(0f, new CrossEntropyLoss().withReduction(Reduction.SUM).forward(logits, target).item());
    }

    @Test
    void spatialCrossEntropyEqualsTheSameRowsFlattened() {
        // [N, C, L] with L = 3: rows are (n, l); moving C last and flattening gives [N * L, C]
        Tensor logits = Tensor.randn(random, 2, 4, 3);
        IndexTensor target = IndexTensor.of(new int[]{0, 3, 1, 2, 2, 0}, 2, 3);
        Tensor rows = ShapeOps.permute(logits, 0, 2, 1).reshape(6, 4);
        CrossEntropyLoss loss = new CrossEntropyLoss().withLabelSmoothing(0.05).withReduction(Reduction.NONE);
        Tensor spatial = loss.forward(logits, target);
        Tensor flat = loss.forward(rows, target.reshape(6));
        assertArrayEquals(new int[]{2, 3}, spatial.shape());
        for (int i = 0; i < 6; i++) {
            assertNear(flat.data()[i], spatial.data()[i]);
        }
    }

    @Test
    void crossEntropyOfConfidentCorrectLogitsIsNearZeroAndStable() {
        Tensor logits = Tensor.of(new float[]{1000f, -1000f, 0f, 0f, 0f, 500f}, 2, 3);
        float value = new CrossEntropyLoss().forward(logits, labels(0, 2)).item();
        assertTrue(value >= 0 && value < 1e-6, "loss " + value);
    }

    @Test
    void mseAndBceMatchTheirFormulas() {
        Tensor x = Tensor.of(new float[]{0.5f, -2f, 3f, 0f}, 2, 2);
        Tensor y = Tensor.of(new float[]{1f, 0f, 1f, 0.25f}, 2, 2);
        assertNear((0.25 + 4 + 4 + 0.0625) / 4, new MSELoss().forward(x, y).item());
        assertNear(8.3125, new MSELoss(Reduction.SUM).forward(x, y).item());
        double bce = 0;
        for (int i = 0; i < 4; i++) {
            double s = 1 / (1 + Math.exp(-x.data()[i]));
            bce -= y.data()[i] * Math.log(s) + (1 - y.data()[i]) * Math.log(1 - s);
        }
        assertNear(bce / 4, new BCEWithLogitsLoss().forward(x, y).item());
        // posWeight p multiplies the positive term -y log(s)
        Tensor posWeight = Tensor.of(new float[]{2f, 0.5f}, 2);
        double weighted = 0;
        for (int i = 0; i < 4; i++) {
            double s = 1 / (1 + Math.exp(-x.data()[i]));
            double p = posWeight.data()[i % 2];
            weighted -= p * y.data()[i] * Math.log(s) + (1 - y.data()[i]) * Math.log(1 - s);
        }
        assertNear(weighted / 4, new BCEWithLogitsLoss().withPosWeight(posWeight).forward(x, y).item());
    }

    @Test
    void bceWithLogitsIsFiniteAtExtremeLogits() {
        Tensor x = Tensor.of(new float[]{200f, -200f, 200f, -200f}, 4).requiresGrad(true);
        Tensor y = Tensor.of(new float[]{1f, 0f, 0f, 1f}, 4);
        Tensor loss = new BCEWithLogitsLoss().withReduction(Reduction.NONE).forward(x, y);
        assertArrayEquals(new float[]{0f, 0f, 200f, 200f}, loss.data(), 1e-4f);
        loss.backward(new float[]{1, 1, 1, 1});
        assertArrayEquals(new float[]{0f, 0f, 1f, -1f}, x.grad(), 1e-6f);
    }

    @Test
    void badTargetsNameTheValueAndPosition() {
        Tensor logits = Tensor.zeros(3, 10);
        CrossEntropyLoss loss = new CrossEntropyLoss();
        String tooLarge = assertThrows(IllegalArgumentException.class,
                () -> loss.forward(logits, labels(1, 2, 10))).getMessage();
        assertTrue(tooLarge.contains("target[2] = 10 is not a class index in [0, 10)"), tooLarge);
        String negative = assertThrows(IllegalArgumentException.class,
                () -> new NLLLoss().forward(logits, labels(-1, 0, 0))).getMessage();
        assertTrue(negative.contains("nll_loss") && negative.contains("target[0] = -1 "), negative);
        String spatial = assertThrows(IllegalArgumentException.class,
                () -> loss.forward(Tensor.zeros(2, 3, 2), IndexTensor.of(new int[]{0, 1, 2, 7}, 2, 2))).getMessage();
        assertTrue(spatial.contains("target[1, 1] = 7 "), spatial);
    }

    @Test
    void floatClassTargetsAreRejectedWithHowToConvert() {
        Tensor floats = Tensor.of(new float[]{1, 2, 3}, 3);
        for (Loss loss : new Loss[]{new CrossEntropyLoss(), new NLLLoss()}) {
            String message = assertThrows(IllegalArgumentException.class,
                    () -> loss.forward(Tensor.zeros(3, 10), floats)).getMessage();
            assertTrue(message.contains("target must hold integer indices (an IndexTensor), got a float Tensor [3]")
                    && message.contains("IndexTensor.fromFloats(tensor)"), message);
        }
        // The conversion it names gives the same loss as the indices themselves.
        Tensor logits = Tensor.randn(random, 3, 10);
        assertEquals(new CrossEntropyLoss().forward(logits, labels(1, 2, 3)).item(),
                new CrossEntropyLoss().forward(logits, IndexTensor.fromFloats(floats)).item());
        // And the float losses refuse indices, naming the conversion the other way.
        String mse = assertThrows(IllegalArgumentException.class,
                () -> new MSELoss().forward(Tensor.zeros(3), labels(1, 2, 3))).getMessage();
        assertTrue(mse.contains("mse_loss: target must be a float Tensor, got an IndexTensor [3]")
                && mse.contains("IndexTensor.toFloat()"), mse);
    }

    @Test
    void shapeMismatchesNameBothShapes() {
        String ce = assertThrows(IllegalArgumentException.class,
                () -> new CrossEntropyLoss().forward(Tensor.zeros(4, 10), labels(0, 1, 2))).getMessage();
        assertTrue(ce.contains("[4, 10]") && ce.contains("[3]") && ce.contains("expected target [4]"), ce);
        String probabilities = assertThrows(IllegalArgumentException.class,
                () -> new CrossEntropyLoss().forward(Tensor.zeros(2, 3), IndexTensor.zeros(2, 3))).getMessage();
        assertTrue(probabilities.contains("class-probability"), probabilities);
        String weight = assertThrows(IllegalArgumentException.class,
                () -> new CrossEntropyLoss().withWeight(Tensor.ones(3)).forward(Tensor.zeros(2, 4), labels(0, 1)))
                .getMessage();
        assertTrue(weight.contains("[3]") && weight.contains("[2, 4]"), weight);
        String mse = assertThrows(IllegalArgumentException.class,
                () -> new MSELoss().forward(Tensor.zeros(2, 3), Tensor.zeros(3, 2))).getMessage();
        assertTrue(mse.contains("[2, 3]") && mse.contains("[3, 2]"), mse);
        String bce = assertThrows(IllegalArgumentException.class,
                () -> new BCEWithLogitsLoss().forward(Tensor.zeros(4), Tensor.zeros(4, 1))).getMessage();
        assertTrue(bce.contains("[4]") && bce.contains("[4, 1]"), bce);
        String posWeight = assertThrows(IllegalArgumentException.class,
                () -> new BCEWithLogitsLoss().withPosWeight(Tensor.ones(3)).forward(Tensor.zeros(2, 4), Tensor.zeros(2, 4)))
                .getMessage();
        assertTrue(posWeight.contains("[3]") && posWeight.contains("[2, 4]"), posWeight);
        assertThrows(IllegalArgumentException.class, () -> new CrossEntropyLoss().withLabelSmoothing(1.5));
    }
}
