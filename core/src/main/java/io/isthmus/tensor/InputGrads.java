package io.isthmus.tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How a backward rule delivers the gradients of its node's inputs. The rule either asks for a
 * buffer and fills it ({@link #overwrite}: every element written, or {@link #zeroed}: added
 * into), or hands over an array it computed ({@link #give}). After the rule returns, the
 * engine adds each delivered array into the input's gradient, or adopts it when that gradient
 * is still zero; the rule never sees an input's accumulated gradient, so it cannot overwrite
 * or double-count it. Delivering twice to one input adds both (as x * x needs).
 */
public final class InputGrads {

    /** Fill {@link #overwrite} buffers with NaN, so that an element a rule forgets shows up in tests. */
    static final boolean POISON = Boolean.getBoolean("isthmus.autograd.checks");

    private Node node;
    private float[][] gradOuts;
    private final List<Tensor> targets = new ArrayList<>();
    private final List<float[]> arrays = new ArrayList<>();

    InputGrads() {
    }

    void reset(Node current, float[][] outputGrads) {
        this.node = current;
        this.gradOuts = outputGrads;
        targets.clear();
        arrays.clear();
    }

    /** True when {@code input} is one of the node's inputs and needs a gradient: compute it only then. */
    public boolean needs(Tensor input) {
        return input != null && input.requiresGrad() && isInput(input);
    }

    /**
     * A buffer of {@code input}'s size with unspecified contents (recycled memory), which the
     * rule must write whole, e.g. with a GEMM of beta 0 or an elementwise kernel.
     */
    public float[] overwrite(Tensor input) {
        float[] buffer = GradArrays.take(check(input, "overwrite").numel());
        if (POISON) {
            Arrays.fill(buffer, Float.NaN);
        }
        return deliver(input, buffer);
    }

    /** A zero-filled buffer of {@code input}'s size, for rules that scatter or add into it. */
    public float[] zeroed(Tensor input) {
        float[] buffer = GradArrays.take(check(input, "zeroed").numel());
        Arrays.fill(buffer, 0f);
        return deliver(input, buffer);
    }

    /**
     * Hands over {@code gradient} (input's size): an array the rule computed, or one of the
     * node's output gradients passed on unchanged (reshape, add). The rule must not touch it
     * afterwards. Giving the same array to two inputs is allowed; the second gets a copy.
     */
    public void give(Tensor input, float[] gradient) {
        check(input, "give");
        if (gradient.length != input.numel()) {
            throw new IllegalStateException(node.op() + " backward gave a gradient of " + gradient.length
                    + " elements to an input of shape " + Shape.str(input.shape()));
        }
        deliver(input, gradient);
    }

    private float[] deliver(Tensor input, float[] array) {
        targets.add(input);
        arrays.add(array);
        return array;
    }

    private Tensor check(Tensor input, String how) {
        if (input == null || !isInput(input)) {
            throw new IllegalStateException(node.op() + " backward: " + how + "() for a tensor that is not one of its inputs");
        }
        if (!input.requiresGrad()) {
            throw new IllegalStateException(node.op() + " backward: " + how + "() for an input that does not require grad "
                    + Shape.str(input.shape()) + "; check needs() first");
        }
        return input;
    }

    private boolean isInput(Tensor t) {
        for (Tensor input : node.rawInputs()) {
            if (input == t) {
                return true;
            }
        }
        return false;
    }

    int deliveredCount() {
        return targets.size();
    }

    Tensor target(int i) {
        return targets.get(i);
    }

    float[] array(int i) {
        return arrays.get(i);
    }

    /** True when {@code array} was delivered before position {@code before} (then it must be copied). */
    boolean deliveredEarlier(float[] array, int before) {
        for (int i = 0; i < before; i++) {
            if (arrays.get(i) == array) {
                return true;
            }
        }
        return false;
    }

    /** True when {@code array} is one of the node's output gradients that the rule passed on. */
    boolean passedOn(float[] array) {
        for (float[] a : arrays) {
            if (a == array) {
                return true;
            }
        }
        return false;
    }

    float[][] gradOuts() {
        return gradOuts;
    }
}
