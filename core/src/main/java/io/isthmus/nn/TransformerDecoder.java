package io.isthmus.nn;

import io.isthmus.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * PyTorch's {@code nn.TransformerDecoder(decoder_layer, num_layers, norm)}: layers under
 * {@code layers.0}, ..., then the optional final LayerNorm {@code norm}; each layer is made by the
 * factory (see {@link TransformerEncoder} on copies).
 */
public class TransformerDecoder extends Module {

    private final ModuleList<TransformerDecoderLayer> layers;
    private final LayerNorm norm;

    public TransformerDecoder(IntFunction<TransformerDecoderLayer> layer, int numLayers, LayerNorm norm) {
        if (numLayers <= 0) {
            throw new IllegalArgumentException("TransformerDecoder needs num_layers >= 1, got " + numLayers);
        }
        List<TransformerDecoderLayer> list = new ArrayList<>();
        for (int i = 0; i < numLayers; i++) {
            list.add(layer.apply(i));
        }
        this.layers = registerModule("layers", new ModuleList<>(list));
        this.norm = norm == null ? null : registerModule("norm", norm);
    }

    /** tgt: [B, Tq, E], memory: [B, Tk, E]; tgtMask e.g. {@link MhaOptions#CAUSAL}; memoryMask may be null. */
    public Tensor forward(Tensor tgt, Tensor memory, MhaOptions tgtMask, MhaOptions memoryMask) {
        Tensor x = tgt;
        for (TransformerDecoderLayer l : layers.modules()) {
            x = l.forward(x, memory, tgtMask, memoryMask);
        }
        return recordOutput(norm == null ? x : norm.forward(x));
    }

    public ModuleList<TransformerDecoderLayer> layers() {
        return layers;
    }
}
