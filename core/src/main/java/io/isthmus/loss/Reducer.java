package io.isthmus.loss;

import io.isthmus.tensor.Shape;

/** Applies a {@link Reduction} to per-element losses, and its derivative to the upstream gradient. */
final class Reducer {

    private Reducer() {
    }

    /** Output shape: the elements' shape for NONE, a scalar otherwise. */
    static int[] shape(Reduction reduction, int[] elementShape) {
        return reduction == Reduction.NONE ? elementShape.clone() : new int[0];
    }

    /**
     * Output data. perElement: the unreduced losses; denominator: what MEAN divides by (the
     * element count, or the sum of class weights); 0/0 gives NaN, as in PyTorch.
     */
    static float[] apply(Reduction reduction, double[] perElement, double denominator) {
        if (reduction == Reduction.NONE) {
            float[] out = new float[perElement.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) perElement[i];
            }
            return out;
        }
        double sum = 0;
        for (double v : perElement) {
            sum += v;
        }
        return new float[]{(float) (reduction == Reduction.SUM ? sum : sum / denominator)};
    }

    /** d(loss)/d(element i) times the upstream gradient; gradOut: the output's gradient. */
    static float upstream(Reduction reduction, float[] gradOut, int i, double denominator) {
        return switch (reduction) {
            case NONE -> gradOut[i];
            case SUM -> gradOut[0];
            case MEAN -> (float) (gradOut[0] / denominator);
        };
    }

    /** The names of both shapes when they differ. */
    static void requireSameShape(String loss, String first, int[] a, String second, int[] b) {
        if (!java.util.Arrays.equals(a, b)) {
            throw new IllegalArgumentException(loss + ": " + first + " " + Shape.str(a) + " and " + second + " "
                    + Shape.str(b) + " must have the same shape");
        }
    }
}
