package io.isthmus.tensor;

import java.util.Arrays;

/**
 * One recorded op in the graph: its inputs, the tensors it produced (one or several), and the
 * rule that maps their gradients to gradients of the inputs. Only {@link Autograd} runs and
 * frees nodes; an op supplies the rule and nothing else.
 *
 * <p>After a backward pass without {@code retainGraph} the node is <em>freed</em>: its rule
 * and saved values are dropped, and a second backward through it is an error, as in PyTorch.
 */
public final class Node {

    /**
     * Gradient rule of a one-output op. {@code gradOut} has the output's shape; it belongs to
     * the op until the rule returns (it may be overwritten and handed on with
     * {@link InputGrads#give}). The rule delivers each input's gradient through {@code grads}.
     */
    @FunctionalInterface
    public interface Backward {
        void apply(float[] gradOut, InputGrads grads);
    }

    /**
     * Gradient rule of an op with several outputs: {@code gradOuts[j]} has output j's shape, or
     * is null when no gradient reached output j (it was not used, or only by tensors that do
     * not require grad). At least one is non-null.
     */
    @FunctionalInterface
    public interface MultiBackward {
        void apply(float[][] gradOuts, InputGrads grads);
    }

    private final String op;
    private Tensor[] inputs;
    private Tensor[] outputs;
    private MultiBackward backward;

    Node(String op, Tensor[] inputs, MultiBackward backward) {
        this.op = op;
        this.inputs = inputs;
        this.backward = backward;
    }

    /** The op's name, for messages ("linear", "lstm"). */
    public String op() {
        return op;
    }

    /** The inputs (nulls for absent optional ones); empty once the node is freed. */
    public Tensor[] inputs() {
        return inputs == null ? new Tensor[0] : inputs.clone();
    }

    /** Number of tensors the op produced. */
    public int outputCount() {
        return outputs == null ? 0 : outputs.length;
    }

    /** True once a backward pass without retainGraph has run through this node. */
    public boolean isFreed() {
        return backward == null;
    }

    void setOutputs(Tensor[] produced) {
        this.outputs = produced;
    }

    Tensor[] rawInputs() {
        return inputs;
    }

    Tensor[] rawOutputs() {
        return outputs;
    }

    MultiBackward rule() {
        return backward;
    }

    /** Drops the rule (and with it the saved values), the inputs and the outputs. */
    void free() {
        backward = null;
        inputs = null;
        outputs = null;
    }

    @Override
    public String toString() {
        return "Node[" + op + (isFreed() ? ", freed" : ", " + Arrays.stream(inputs).filter(t -> t != null).count()
                + " inputs, " + outputCount() + " outputs") + "]";
    }
}
