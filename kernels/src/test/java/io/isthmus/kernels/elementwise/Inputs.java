package io.isthmus.kernels.elementwise;

import java.util.SplittableRandom;

/** Random input generators for kernel tests. */
enum Inputs {
    /** Uniform in [-8, 8], with some exact zeros. */
    WIDE {
        @Override
        float next(SplittableRandom random) {
            return random.nextInt(16) == 0 ? 0f : (float) (random.nextDouble() * 16 - 8);
        }
    },
    /** Upstream gradients, uniform in [-4, 4]. */
    GRADIENT {
        @Override
        float next(SplittableRandom random) {
            return (float) (random.nextDouble() * 8 - 4);
        }
    },
    /** Sigmoid outputs in [0, 1]. */
    PROBABILITY {
        @Override
        float next(SplittableRandom random) {
            return (float) random.nextDouble();
        }
    },
    /** Tanh outputs in [-1, 1]. */
    TANH_OUTPUT {
        @Override
        float next(SplittableRandom random) {
            return (float) (random.nextDouble() * 2 - 1);
        }
    },
    /** Integers in [-8, 8]: sums and dot products of up to 100k of them are exact in float. */
    SMALL_INTEGERS {
        @Override
        float next(SplittableRandom random) {
            return random.nextInt(17) - 8;
        }
    },
    /**
     * For exp-based kernels: mostly [-10, 10], some [-120, 120], some tiny, and the extremes:
     * +-80, +-89, +-104, +-1e4, +-1e30, +-MAX, +-Inf, subnormals, NaN.
     */
    EXTREME {
        private static final float[] SPECIAL = {0f, -0f, 80f, -80f, 88.7f, -88.7f, 89f, -89f, 104f, -104f, 1e4f, -1e4f,
            1e30f, -1e30f, Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
            Float.MIN_VALUE, -Float.MIN_VALUE, 1e-40f, -1e-40f, 1e-30f, -1e-30f, Float.NaN, 0.5f, -0.5f, 0.625f,
            -0.625f, 14.5f, -14.5f, -0.7517916f, -1.2784645f};

        @Override
        float next(SplittableRandom random) {
            int kind = random.nextInt(10);
            if (kind < 6) {
                return (float) (random.nextDouble() * 20 - 10);
            } else if (kind == 6) {
                return (float) (random.nextDouble() * 240 - 120);
            } else if (kind == 7) {
                return (float) ((random.nextDouble() * 2 - 1) * Math.pow(10, -random.nextInt(8)));
            }
            return SPECIAL[random.nextInt(SPECIAL.length)];
        }
    },
    /** An unused input. */
    NONE {
        @Override
        float next(SplittableRandom random) {
            return 0f;
        }
    };

    abstract float next(SplittableRandom random);

    float[] fill(SplittableRandom random, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = next(random);
        }
        return values;
    }
}
