package io.isthmus.golden;

import io.isthmus.loss.BCEWithLogitsLoss;
import io.isthmus.loss.CrossEntropyLoss;
import io.isthmus.loss.Loss;
import io.isthmus.loss.MSELoss;
import io.isthmus.loss.Reduction;
import io.isthmus.tensor.AnyTensor;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Every golden case of the losses (cross_entropy, cross_entropy_smooth, mse, bce_with_logits):
 * the loss and the gradient of loss * grad_out with respect to the input, within 1e-5 absolute
 * + 1e-4 relative. A setting in a case's metadata that the test does not understand fails the
 * case rather than being ignored.
 */
class LossGoldenTest {

    private static final double ATOL = 1e-5;
    private static final double RTOL = 1e-4;
    static final GoldenSuite SUITE = GoldenSuite.published("cross_entropy", "cross_entropy_smooth", "mse", "bce_with_logits");

    @TestFactory
    Stream<DynamicTest> matchesPyTorch() {
        return SUITE.cases().stream()
                .map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    private static void check(GoldenCase c) {
        Set<String> settings = new HashSet<>(c.meta().keySet());
        settings.remove("op");
        Reduction reduction = Reduction.valueOf(c.string("reduction").toUpperCase(Locale.ROOT));
        settings.remove("reduction");
        String inputName;
        String targetName;
        Loss loss;
        boolean classTargets = false;
        switch (c.op()) {
            case "cross_entropy", "cross_entropy_smooth" -> {
                inputName = "logits";
                targetName = "labels";
                loss = new CrossEntropyLoss().withReduction(reduction)
                        .withLabelSmoothing(c.number("label_smoothing", 0))
                        .withIgnoreIndex((int) c.number("ignore_index", CrossEntropyLoss.DEFAULT_IGNORE_INDEX));
                settings.remove("label_smoothing");
                settings.remove("ignore_index");
                classTargets = true;
            }
            case "mse" -> {
                inputName = "pred";
                targetName = "target";
                loss = new MSELoss(reduction);
            }
            case "bce_with_logits" -> {
                inputName = "logits";
                targetName = "target";
                BCEWithLogitsLoss bce = new BCEWithLogitsLoss().withReduction(reduction);
                loss = c.has("pos_weight") ? bce.withPosWeight(c.tensor("pos_weight")) : bce;
            }
            default -> throw new AssertionError("unexpected op " + c.op());
        }
        if (!settings.isEmpty()) {
            throw new AssertionError(c.name() + ": settings " + settings + " are not understood by this test");
        }
        Tensor input = c.tensor(inputName).requiresGrad(true);
        // Class labels are stored as I64, as PyTorch keeps them; the float losses' targets as F32.
        AnyTensor target = classTargets ? c.indices(targetName) : c.tensor(targetName);
        Tensor out = loss.forward(input, target);
        GoldenCases.assertClose(c.name() + " out", c.tensor("out").data(), out.data(), ATOL, RTOL);
        out.backward(c.tensor("grad_out").data());
        GoldenCases.assertClose(c.name() + " grad." + inputName, c.tensor("grad." + inputName).data(), input.grad(),
                ATOL, RTOL);
    }
}
