package io.isthmus.loss;

import io.isthmus.ops.GradCheck;
import io.isthmus.ops.Softmax;
import io.isthmus.tensor.AnyTensor;
import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Finite-difference checks of every loss's backward: central differences on float inputs with
 * eps = 1e-2, tolerance |analytic - numeric| <= 5e-4 + 5e-3 * max(|analytic|, |numeric|)
 * (see {@link GradCheck}); NONE reductions are checked through a random upstream gradient.
 * Class-index targets are held fixed (they are not differentiable).
 */
class LossGradientTest {

    private static final double EPS = 1e-2;
    private static final double ATOL = 5e-4;
    private static final double RTOL = 5e-3;

    private final SplittableRandom random = new SplittableRandom(7);

    private Tensor randn(int... shape) {
        return Tensor.randn(random, shape);
    }

    private static IndexTensor labels(int... values) {
        return IndexTensor.vector(values);
    }

    private static void check(String what, Loss loss, Tensor input, AnyTensor target) {
        GradCheck.check(what, in -> loss.forward(in.get(0), target), List.of(input), EPS, ATOL, RTOL);
    }

    @Test
    void crossEntropyEveryReduction() {
        IndexTensor target = labels(3, 0, 4, 1);
        for (Reduction reduction : Reduction.values()) {
            check("cross_entropy " + reduction, new CrossEntropyLoss().withReduction(reduction), randn(4, 5), target);
        }
    }

    @Test
    void crossEntropyLabelSmoothing() {
        IndexTensor target = labels(3, 0, 4, 1);
        check("cross_entropy smoothing mean", new CrossEntropyLoss().withLabelSmoothing(0.1), randn(4, 5), target);
        check("cross_entropy smoothing none", new CrossEntropyLoss().withLabelSmoothing(0.3).withReduction(Reduction.NONE),
                randn(4, 5), target);
    }

    @Test
    void crossEntropyIgnoreIndex() {
        IndexTensor target = labels(3, -100, 4, -100, 2);
        check("cross_entropy ignore mean", new CrossEntropyLoss().withLabelSmoothing(0.2), randn(5, 5), target);
        check("cross_entropy ignore none", new CrossEntropyLoss().withReduction(Reduction.NONE), randn(5, 5), target);
        IndexTensor padding = labels(0, 2, 0, 1);
        check("cross_entropy ignoreIndex 0", new CrossEntropyLoss().withIgnoreIndex(0), randn(4, 3), padding);
    }

    @Test
    void crossEntropyClassWeightsWithSmoothingAndIgnore() {
        Tensor weight = Tensor.of(new float[]{0.5f, 2f, 1f, 0.25f, 3f}, 5);
        IndexTensor target = labels(3, 1, -100, 4, 0, 1);
        for (Reduction reduction : Reduction.values()) {
            check("cross_entropy weighted " + reduction,
                    new CrossEntropyLoss().withWeight(weight).withLabelSmoothing(0.15).withReduction(reduction),
                    randn(6, 5), target);
        }
    }

    @Test
    void crossEntropySpatialAndUnbatched() {
        IndexTensor target = IndexTensor.of(new int[]{0, 2, 1, -100, 2, 2, 0, 1}, 2, 2, 2);
        check("cross_entropy [N, C, d1, d2]", new CrossEntropyLoss().withLabelSmoothing(0.1), randn(2, 3, 2, 2), target);
        check("cross_entropy [C]", new CrossEntropyLoss().withLabelSmoothing(0.1), randn(6), IndexTensor.of(new int[]{4}));
    }

    @Test
    void nllLoss() {
        Tensor weight = Tensor.of(new float[]{0.5f, 2f, 1f, 3f}, 4);
        IndexTensor target = labels(3, 1, -100, 0, 1);
        for (Reduction reduction : Reduction.values()) {
            // NLL is linear in its input: the check is exact up to rounding
            check("nll_loss " + reduction, new NLLLoss().withWeight(weight).withReduction(reduction),
                    Softmax.logSoftmax(randn(5, 4), 1).detach(), target);
        }
        check("nll_loss [N, C, d]", new NLLLoss(), randn(2, 4, 3), IndexTensor.of(new int[]{0, 3, 1, 2, 2, -100}, 2, 3));
    }

    @Test
    void mseBothArguments() {
        for (Reduction reduction : Reduction.values()) {
            MSELoss loss = new MSELoss(reduction);
            GradCheck.check("mse_loss " + reduction, in -> loss.forward(in.get(0), in.get(1)),
                    List.of(randn(3, 4), randn(3, 4)), EPS, ATOL, RTOL);
        }
    }

    @Test
    void bceWithLogitsBothArgumentsAndPosWeight() {
        Tensor posWeight = Tensor.of(new float[]{0.5f, 1f, 3f, 2f}, 4);
        for (Reduction reduction : Reduction.values()) {
            BCEWithLogitsLoss plain = new BCEWithLogitsLoss().withReduction(reduction);
            BCEWithLogitsLoss weighted = plain.withPosWeight(posWeight);
            Tensor x = randn(3, 4).mul(3f).detach();
            Tensor y = Tensor.uniform(random, 0f, 1f, 3, 4);
            GradCheck.check("bce_with_logits " + reduction, in -> plain.forward(in.get(0), in.get(1)),
                    List.of(x, y), EPS, ATOL, RTOL);
            GradCheck.check("bce_with_logits posWeight " + reduction, in -> weighted.forward(in.get(0), in.get(1)),
                    List.of(x.copy(), y.copy()), EPS, ATOL, RTOL);
        }
    }
}
