package io.isthmus.kernels.simd;

import io.isthmus.kernels.elementwise.Elementwise;

/**
 * The elementwise kernels whose scalar reference gives bit-identical results (asserted in
 * {@code SimdElementwiseTest}): the ones {@link KernelWarmup} compiles in the background while
 * calls run the scalar kernel, so which path ran never shows in the results. Each op knows one
 * call of itself on {@link WarmupScratch} buffers, which the warm-up thread repeats.
 */
enum ElementwiseOp {
    ADD((k, s) -> k.add(s.x, 0, s.y, 0, s.out, 0, s.n)),
    SUB((k, s) -> k.sub(s.x, 0, s.y, 0, s.out, 0, s.n)),
    MUL((k, s) -> k.mul(s.x, 0, s.y, 0, s.out, 0, s.n)),
    DIV((k, s) -> k.div(s.x, 0, s.y, 0, s.out, 0, s.n)),
    AXPY((k, s) -> k.axpy(0.5f, s.x, 0, s.out, 0, s.n)),
    SCALE((k, s) -> k.scale(0.5f, s.x, 0, s.out, 0, s.n)),
    ADD_SCALAR((k, s) -> k.addScalar(0.5f, s.x, 0, s.out, 0, s.n)),
    ADD_BIAS((k, s) -> k.addBias(s.out, 0, s.rows, s.cols, s.y, 0)),
    SUM_ROWS_INTO((k, s) -> k.sumRowsInto(s.x, 0, s.rows, s.cols, s.out, 0)),
    // rows shorter than half a vector, as short as a small convolution's (11 floats in W6), and whole rows
    COPY_ROWS((k, s) -> {
        k.copyRows(s.x, 0, s.cols, s.out, 0, 3, s.rows, 3);
        k.copyRows(s.x, 0, s.cols, s.out, 0, 11, s.rows, 11);
        k.copyRows(s.x, 0, s.cols, s.out, 0, s.cols, s.rows, s.cols);
    }),
    ADD_ROWS((k, s) -> {
        k.addRows(s.x, 0, 3, s.out, 0, s.cols, s.rows, 3);
        k.addRows(s.x, 0, 11, s.out, 0, s.cols, s.rows, 11);
        k.addRows(s.x, 0, s.cols, s.out, 0, s.cols, s.rows, s.cols);
    }),
    RELU((k, s) -> k.relu(s.x, 0, s.out, 0, s.n)),
    RELU_BACKWARD((k, s) -> k.reluBackward(s.x, 0, s.y, 0, s.out, 0, s.n)),
    LEAKY_RELU((k, s) -> k.leakyRelu(0.01f, s.x, 0, s.out, 0, s.n)),
    LEAKY_RELU_BACKWARD((k, s) -> k.leakyReluBackward(0.01f, s.x, 0, s.y, 0, s.out, 0, s.n)),
    SIGMOID_BACKWARD((k, s) -> k.sigmoidBackward(s.probability, 0, s.y, 0, s.out, 0, s.n)),
    TANH_BACKWARD((k, s) -> k.tanhBackward(s.probability, 0, s.y, 0, s.out, 0, s.n)),
    MAX((k, s) -> s.sink += k.max(s.x, 0, s.n)),
    ADAM((k, s) -> k.adamUpdate(s.param, s.y, s.m, s.v, 0, s.n, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, false, 10)),
    ADAMW((k, s) -> k.adamUpdate(s.param, s.y, s.m, s.v, 0, s.n, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, true, 10));

    /** One call of the op's kernel on the scratch buffers. */
    @FunctionalInterface
    interface Call {
        void run(Elementwise kernels, WarmupScratch scratch);
    }

    final Call call;

    ElementwiseOp(Call call) {
        this.call = call;
    }

    /** This op's bit in a mask of ops (there are fewer than 64). */
    long bit() {
        return 1L << ordinal();
    }
}
