package io.isthmus.examples.rnn;

import io.isthmus.nn.Layer;
import io.isthmus.nn.Linear;
import io.isthmus.nn.RecurrentLayer;
import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

import java.util.Locale;

/**
 * A batch-first recurrent stack read at its last step, then a Linear head:
 * <pre>
 * x [B, T, I] -> rnn|lstm|gru (layers x hidden) -> output [B, T, H] -> last step [B, H] -> Linear(H, outputs) [B, outputs]
 * </pre>
 * State-dict names: {@code recurrent.weight_ih_l0} ... (PyTorch's), {@code head.weight}, {@code head.bias}.
 */
public final class LastStepNet extends Layer {

    private final CellType cell;
    private final RecurrentLayer recurrent;
    private final Linear head;

    public LastStepNet(CellType cell, int inputSize, int hiddenSize, int layers, int outputs) {
        if (inputSize < 1 || hiddenSize < 1 || layers < 1 || outputs < 1) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "LastStepNet: sizes must be at least 1, got input %d, hidden %d, layers %d, outputs %d",
                    inputSize, hiddenSize, layers, outputs));
        }
        this.cell = cell;
        this.recurrent = registerModule("recurrent", cell.build(inputSize, hiddenSize, layers));
        this.head = registerModule("head", new Linear(hiddenSize, outputs));
    }

    /** "lstm 2x128 -> 10": the cell, layers x hidden and the head's outputs. */
    public String recipe() {
        return String.format(Locale.ROOT, "%s %dx%d -> %d", cell, recurrent.numLayers(), recurrent.hiddenSize(),
                head.weight().shape()[0]);
    }

    public CellType cell() {
        return cell;
    }

    /** x: [B, T, I] -> [B, outputs]. */
    @Override
    protected Tensor compute(Tensor x) {
        if (x.dim() != 3 || x.shape()[2] != recurrent.inputSize()) {
            throw new IllegalArgumentException("LastStepNet: input must be [B, T, " + recurrent.inputSize() + "], got "
                    + Shape.str(x.shape()));
        }
        Tensor outputs = CellType.outputs(recurrent, x);
        int[] shape = outputs.shape();
        Tensor last = outputs.narrow(1, shape[1] - 1, 1).reshape(shape[0], shape[2]);
        return head.forward(last);
    }
}
