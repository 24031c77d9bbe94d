package io.isthmus.nn;

import io.isthmus.tensor.Seeds;
import io.isthmus.tensor.Tensor;

import java.util.SplittableRandom;

/**
 * PyTorch's {@code nn.Transformer(d_model, nhead, num_encoder_layers, num_decoder_layers,
 * dim_feedforward, dropout, activation, layer_norm_eps, batch_first, norm_first)}: an
 * {@code encoder} (with final {@code encoder.norm}) and a {@code decoder} (with {@code decoder.norm}).
 * PyTorch's {@code generate_square_subsequent_mask} is {@link MhaOptions#CAUSAL} here. As
 * PyTorch's {@code _reset_parameters}, every parameter of two or more dimensions is then drawn
 * again from xavier_uniform (U(-a, a), a = sqrt(6 / (fan_in + fan_out))). Unlike PyTorch, the
 * short constructor is batch_first (x: [B, T, E]); the long one takes the flag.
 */
public class Transformer extends Module {

    private final TransformerEncoder encoder;
    private final TransformerDecoder decoder;

    public Transformer(int dModel, int nhead, int numEncoderLayers, int numDecoderLayers, int dimFeedforward) {
        this(dModel, nhead, numEncoderLayers, numDecoderLayers, dimFeedforward, 0.1f, "relu", 1e-5, true, false, Seeds.next());
    }

    public Transformer(int dModel, int nhead, int numEncoderLayers, int numDecoderLayers, int dimFeedforward, float dropout,
                       String activation, double layerNormEps, boolean batchFirst, boolean normFirst, SplittableRandom random) {
        this.encoder = registerModule("encoder", new TransformerEncoder(i -> new TransformerEncoderLayer(dModel, nhead,
                dimFeedforward, dropout, activation, layerNormEps, batchFirst, normFirst, random), numEncoderLayers,
                new LayerNorm(dModel, layerNormEps)));
        this.decoder = registerModule("decoder", new TransformerDecoder(i -> new TransformerDecoderLayer(dModel, nhead,
                dimFeedforward, dropout, activation, layerNormEps, batchFirst, normFirst, random), numDecoderLayers,
                new LayerNorm(dModel, layerNormEps)));
        resetParameters(random);
    }

    /** xavier_uniform on every matrix, in parameter order (PyTorch's _reset_parameters). */
    private void resetParameters(SplittableRandom random) {
        for (Tensor p : namedParameters().values()) {
            if (p.dim() > 1) {
                int fanOut = p.size(0);
                int fanIn = p.numel() / fanOut;
                double bound = Math.sqrt(6.0 / (fanIn + fanOut));
                float[] data = p.data();
                for (int i = 0; i < data.length; i++) {
                    data[i] = (float) random.nextDouble(-bound, bound);
                }
            }
        }
    }

    /** src: [B, S, E], tgt: [B, T, E] -> [B, T, E]; masks may be null (tgtMask usually {@link MhaOptions#CAUSAL}). */
    public Tensor forward(Tensor src, Tensor tgt, MhaOptions srcMask, MhaOptions tgtMask, MhaOptions memoryMask) {
        Tensor memory = encoder.forward(src, srcMask);
        return recordOutput(decoder.forward(tgt, memory, tgtMask, memoryMask));
    }

    public TransformerEncoder encoder() {
        return encoder;
    }

    public TransformerDecoder decoder() {
        return decoder;
    }
}
