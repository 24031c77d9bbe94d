package io.isthmus.nn;

import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TransformerEncoder/Decoder stacks: PyTorch names, layer-by-layer equality, eval disables dropout, counts. */
class TransformerStackTest {

    @Test
    void encoderNamesCountsAndLayerByLayer() {
        SplittableRandom r = new SplittableRandom(1);
        TransformerEncoder enc = new TransformerEncoder(
                i -> new TransformerEncoderLayer(4, 2, 7, 0.3f, "gelu", 1e-5, true, false, r), 2, new LayerNorm(4));
        assertTrue(enc.namedParameters().containsKey("layers.0.self_attn.in_proj_weight"));
        assertTrue(enc.namedParameters().containsKey("layers.1.linear2.bias"));
        assertTrue(enc.namedParameters().containsKey("norm.weight"));
        int perLayer = (3 * 16 + 12 + 16 + 4) + (4 * 7 + 7) + (7 * 4 + 4) + 4 * 4;
        assertEquals(2 * perLayer + 8, enc.parameters().stream().mapToInt(Tensor::numel).sum());
        Tensor x = Tensor.uniform(new SplittableRandom(2), -1, 1, 2, 3, 4);
        enc.eval();
        Tensor out = enc.forward(x, MhaOptions.CAUSAL);
        Tensor manual = enc.layers().get(1).forward(enc.layers().get(0).forward(x, MhaOptions.CAUSAL), MhaOptions.CAUSAL);
        manual = io.isthmus.ops.LayerNormOp.layerNorm(manual, null, null, 1e-5);
        assertArrayEquals(manual.data(), out.data(), 1e-6f);
        assertArrayEquals(out.data(), enc.forward(x, MhaOptions.CAUSAL).data());
        enc.train();
        assertNotEquals(java.util.Arrays.toString(out.data()), java.util.Arrays.toString(enc.forward(x, MhaOptions.CAUSAL).data()));
        assertThrows(IllegalArgumentException.class, () -> new TransformerEncoder(i -> null, 0, null));
        assertThrows(IllegalArgumentException.class,
                () -> new TransformerEncoderLayer(4, 2, 7, 0f, "tanh", 1e-5, true, false, r));
    }

    @Test
    void decoderRunsEveryLayer() {
        SplittableRandom r = new SplittableRandom(3);
        TransformerDecoder dec = new TransformerDecoder(
                i -> new TransformerDecoderLayer(6, 3, 5, 0f, "relu", 1e-5, true, true, r), 3, null);
        assertTrue(dec.namedParameters().containsKey("layers.2.multihead_attn.out_proj.weight"));
        assertTrue(dec.namedParameters().containsKey("layers.0.norm3.bias"));
        Tensor x = Tensor.uniform(r, -1, 1, 1, 4, 6);
        Tensor m = Tensor.uniform(r, -1, 1, 1, 5, 6);
        Tensor y = x;
        for (int i = 0; i < 3; i++) {
            y = dec.layers().get(i).forward(y, m, MhaOptions.CAUSAL, null);
        }
        assertArrayEquals(y.data(), dec.forward(x, m, MhaOptions.CAUSAL, null).data(), 1e-6f);
    }

    @Test
    void transformerIsEncoderThenDecoder() {
        Transformer t = new Transformer(4, 2, 2, 1, 8, 0f, "relu", 1e-5, true, false, new SplittableRandom(4));
        assertTrue(t.namedParameters().containsKey("encoder.layers.1.self_attn.in_proj_weight"));
        assertTrue(t.namedParameters().containsKey("decoder.layers.0.multihead_attn.in_proj_bias"));
        assertTrue(t.namedParameters().containsKey("encoder.norm.weight"));
        assertTrue(t.namedParameters().containsKey("decoder.norm.bias"));
        SplittableRandom r = new SplittableRandom(5);
        Tensor src = Tensor.uniform(r, -1, 1, 2, 5, 4);
        Tensor tgt = Tensor.uniform(r, -1, 1, 2, 3, 4);
        Tensor memory = t.encoder().forward(src, null);
        assertArrayEquals(t.decoder().forward(tgt, memory, MhaOptions.CAUSAL, null).data(),
                t.forward(src, tgt, null, MhaOptions.CAUSAL, null).data(), 1e-6f);
    }

    /** PyTorch's _reset_parameters: every matrix xavier_uniform, vectors (biases, norms) untouched. */
    @Test
    void transformerMatricesAreXavierUniform() {
        Transformer t = new Transformer(8, 2, 1, 1, 16, 0f, "relu", 1e-5, true, false, new SplittableRandom(3));
        for (var e : t.namedParameters().entrySet()) {
            Tensor p = e.getValue();
            if (p.dim() < 2) {
                continue;
            }
            int fanOut = p.size(0);
            int fanIn = p.numel() / fanOut;
            double bound = Math.sqrt(6.0 / (fanIn + fanOut));
            double max = 0;
            for (float v : p.data()) {
                max = Math.max(max, Math.abs(v));
            }
            assertTrue(max <= bound && max > 0.8 * bound, e.getKey() + ": max |w| " + max + ", xavier bound " + bound);
        }
    }
}
