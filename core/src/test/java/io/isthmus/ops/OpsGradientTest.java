package io.isthmus.ops;

import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

class OpsGradientTest {

    private static Tensor rand(long seed, int... shape) {
        return Tensor.uniform(new SplittableRandom(seed), -1f, 1f, shape);
    }

    /** Inputs kept away from 0 where the function has a kink (ReLU family). */
    private static Tensor awayFromZero(long seed, int... shape) {
        Tensor t = rand(seed, shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = d[i] >= 0 ? d[i] + 0.1f : d[i] - 0.1f;
        }
        return t;
    }

    @Test
    void linearAndMatmul() {
        GradCheck.check("linear", in -> Linear.linear(in.get(0), in.get(1), in.get(2)),
                List.of(rand(1, 3, 5), rand(2, 4, 5), rand(3, 4)));
        GradCheck.check("linear 3d input", in -> Linear.linear(in.get(0), in.get(1), null),
                List.of(rand(4, 2, 3, 5), rand(5, 7, 5)));
        GradCheck.check("matmul", in -> MatMul.matmul(in.get(0), in.get(1)), List.of(rand(6, 3, 4), rand(7, 4, 2)));
        GradCheck.check("batched matmul", in -> MatMul.matmul(in.get(0), in.get(1)),
                List.of(rand(8, 2, 3, 4), rand(9, 2, 4, 5)));
    }

    @Test
    void arithmeticWithBroadcasting() {
        GradCheck.check("add", in -> in.get(0).add(in.get(1)), List.of(rand(1, 2, 3), rand(2, 3)));
        GradCheck.check("sub", in -> in.get(0).sub(in.get(1)), List.of(rand(3, 2, 1, 3), rand(4, 4, 1)));
        GradCheck.check("mul", in -> in.get(0).mul(in.get(1)), List.of(rand(5, 2, 3), rand(6, 2, 1)));
        Tensor divisor = rand(8, 1, 3);
        for (int i = 0; i < divisor.numel(); i++) {
            divisor.data()[i] += 2f;
        }
        GradCheck.check("div", in -> in.get(0).div(in.get(1)), List.of(rand(7, 2, 3), divisor));
        GradCheck.check("scalars", in -> in.get(0).mul(3f).add(-1f).neg(), List.of(rand(9, 4)));
    }

    @Test
    void reductionsAndShapes() {
        GradCheck.check("sum all", in -> in.get(0).sum(), List.of(rand(1, 2, 3)));
        GradCheck.check("mean all", in -> in.get(0).mean(), List.of(rand(2, 2, 3)));
        GradCheck.check("sum axis", in -> in.get(0).sum(1, false), List.of(rand(3, 2, 3, 4)));
        GradCheck.check("mean axes keepdim", in -> Reductions.mean(in.get(0), new int[]{0, 2}, true), List.of(rand(4, 2, 3, 4)));
        GradCheck.check("reshape", in -> in.get(0).reshape(3, -1).mul(in.get(0).reshape(3, 4)), List.of(rand(5, 2, 6)));
        GradCheck.check("transpose", in -> in.get(0).transpose(0, 2), List.of(rand(6, 2, 3, 4)));
        GradCheck.check("slice", in -> ShapeOps.slice(in.get(0), 1, 1, 3), List.of(rand(7, 2, 4, 3)));
        GradCheck.check("concat", in -> ShapeOps.concat(1, in.get(0), in.get(1)), List.of(rand(8, 2, 1, 3), rand(9, 2, 2, 3)));
    }

    @Test
    void activations() {
        GradCheck.check("relu", in -> Activations.relu(in.get(0)), List.of(awayFromZero(1, 3, 7)));
        GradCheck.check("leaky relu", in -> Activations.leakyRelu(in.get(0), 0.1f), List.of(awayFromZero(2, 3, 7)));
        GradCheck.check("elu", in -> Activations.elu(in.get(0), 1.3f), List.of(awayFromZero(3, 3, 7)));
        GradCheck.check("sigmoid", in -> Activations.sigmoid(in.get(0)), List.of(rand(4, 3, 7)));
        GradCheck.check("tanh", in -> Activations.tanh(in.get(0)), List.of(rand(5, 3, 7)));
        GradCheck.check("gelu", in -> Activations.gelu(in.get(0)), List.of(rand(6, 3, 7)));
        GradCheck.check("gelu tanh", in -> Activations.geluTanh(in.get(0)), List.of(rand(7, 3, 7)));
        GradCheck.check("silu", in -> Activations.silu(in.get(0)), List.of(rand(8, 3, 7)));
    }

    @Test
    void softmaxFamily() {
        GradCheck.check("softmax last", in -> Softmax.softmax(in.get(0), -1), List.of(rand(1, 3, 5)));
        GradCheck.check("softmax axis 0", in -> Softmax.softmax(in.get(0), 0), List.of(rand(2, 3, 5)));
        GradCheck.check("log softmax", in -> Softmax.logSoftmax(in.get(0), 1), List.of(rand(3, 2, 4, 3)));
    }

    @Test
    void dropoutMaskIsReusedInBackward() {
        GradCheck.check("dropout", in -> Dropout.dropout(in.get(0), 0.3f, new SplittableRandom(5)), List.of(rand(4, 5, 6)));
    }

    @Test
    void sharedInputAccumulatesGradients() {
        GradCheck.check("x * x + x", in -> in.get(0).mul(in.get(0)).add(in.get(0)), List.of(rand(9, 6)));
    }
}
