package io.isthmus.ops;

import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Channel dropout: one draw per (n, c) in order, whole slices zeroed or scaled, its gradient. */
class ChannelDropoutTest {

    @Test
    void followsOneDrawPerChannelInOrder() {
        Tensor x = Naive.rand(1, 3, 4, 5);
        Tensor y = Dropout.channelDropout(x, 0.3f, new SplittableRandom(42));
        SplittableRandom draws = new SplittableRandom(42);
        for (int ch = 0; ch < 12; ch++) {
            float scale = draws.nextDouble() < 0.3 ? 0f : 1f / 0.7f;
            for (int i = 0; i < 5; i++) {
                assertEquals(x.data()[ch * 5 + i] * scale, y.data()[ch * 5 + i], 1e-6f, "channel " + ch);
            }
        }
    }

    @Test
    void gradientMatchesFiniteDifferencesForAFixedMask() {
        GradCheck.check("channel dropout", in -> Dropout.channelDropout(in.get(0), 0.5f, new SplittableRandom(7)),
                List.of(Naive.rand(2, 2, 3, 2, 3)));
    }

    @Test
    void rejectsVectorsAndBadProbabilities() {
        assertThrows(IllegalArgumentException.class, () -> Dropout.channelDropout(Naive.rand(3, 5), 0.5f, new SplittableRandom(1)));
        assertThrows(IllegalArgumentException.class, () -> Dropout.channelDropout(Naive.rand(3, 2, 5), 1f, new SplittableRandom(1)));
    }
}
