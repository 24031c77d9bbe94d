package io.isthmus.nn;

import io.isthmus.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * PyTorch's {@code nn.TransformerEncoder(encoder_layer, num_layers, norm)}: layers under
 * {@code layers.0}, {@code layers.1}, ..., then the optional final LayerNorm {@code norm}. The
 * layers come from a factory (PyTorch deep-copies one layer, so its copies start equal; here each
 * is initialized on its own; a loaded state dict overrides both alike).
 */
public class TransformerEncoder extends Module {

    private final ModuleList<TransformerEncoderLayer> layers;
    private final LayerNorm norm;

    /** numLayers layers from {@code layer.apply(i)}; norm may be null. */
    public TransformerEncoder(IntFunction<TransformerEncoderLayer> layer, int numLayers, LayerNorm norm) {
        if (numLayers <= 0) {
            throw new IllegalArgumentException("TransformerEncoder needs num_layers >= 1, got " + numLayers);
        }
        List<TransformerEncoderLayer> list = new ArrayList<>();
        for (int i = 0; i < numLayers; i++) {
            list.add(layer.apply(i));
        }
        this.layers = registerModule("layers", new ModuleList<>(list));
        this.norm = norm == null ? null : registerModule("norm", norm);
    }

    /** src: [B, T, E]; the same mask options for every layer's self-attention. */
    public Tensor forward(Tensor src, MhaOptions mask) {
        Tensor x = src;
        for (TransformerEncoderLayer l : layers.modules()) {
            x = l.forward(x, mask);
        }
        return recordOutput(norm == null ? x : norm.forward(x));
    }

    public ModuleList<TransformerEncoderLayer> layers() {
        return layers;
    }
}
