package io.isthmus.nn;

import io.isthmus.ops.ShapeOps;
import io.isthmus.ops.Views;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Decoding one step (or a chunk) at a time with a KvCache equals a causal forward over the whole prefix, to 1e-5. */
class KvCacheTest {

    @Test
    void mhaStepByStepEqualsCausalPrefix() {
        SplittableRandom r = new SplittableRandom(1);
        MultiheadAttention mha = new MultiheadAttention(6, 3, 0f, true, r);
        Tensor x = Tensor.uniform(r, -1, 1, 2, 7, 6);
        Tensor full = mha.forward(x, x, x, MhaOptions.CAUSAL).output();
        KvCache cache = new KvCache(1);
        Tensor[] steps = new Tensor[7];
        for (int t = 0; t < 7; t++) {
            steps[t] = mha.forwardCached(Views.narrow(x, 1, t, 1), cache.layer(0));
        }
        assertEquals(7, cache.length());
        assertArrayEquals(full.data(), ShapeOps.concat(1, steps).data(), 1e-5f);
        // a chunk of 4 after a chunk of 3
        cache.clear();
        Tensor a = mha.forwardCached(Views.narrow(x, 1, 0, 3), cache.layer(0));
        Tensor b = mha.forwardCached(Views.narrow(x, 1, 3, 4), cache.layer(0));
        assertArrayEquals(full.data(), ShapeOps.concat(1, a, b).data(), 1e-5f);
        assertThrows(IllegalArgumentException.class, () -> cache.layer(1));
    }

    /** A loss through a cached chunk trains the chunk's own key/value projection (only the cached past is detached). */
    @Test
    void theNewStepsKeepTheirGradient() {
        SplittableRandom r = new SplittableRandom(2);
        MultiheadAttention cached = new MultiheadAttention(6, 3, 0f, true, r);
        MultiheadAttention full = new MultiheadAttention(6, 3, 0f, true, r);
        full.loadStateDict(cached.stateDict());
        Tensor x = Tensor.uniform(r, -1, 1, 1, 4, 6);
        KvCache cache = new KvCache(1);
        cached.forwardCached(x, cache.layer(0)).sum().backward();
        full.forward(x, x, x, MhaOptions.CAUSAL).output().sum().backward();
        assertArrayEquals(full.inProjWeight().grad(), cached.inProjWeight().grad(), 1e-5f);
    }

    @Test
    void decoderLayersStepByStepEqualCausalPrefix() {
        SplittableRandom r = new SplittableRandom(2);
        for (boolean normFirst : new boolean[]{false, true}) {
            TransformerDecoderLayer l0 = new TransformerDecoderLayer(4, 2, 5, 0.1f, "gelu", 1e-5, true, normFirst, r);
            TransformerDecoderLayer l1 = new TransformerDecoderLayer(4, 2, 5, 0.1f, "relu", 1e-5, true, normFirst, r);
            l0.eval();
            l1.eval();
            Tensor x = Tensor.uniform(r, -1, 1, 1, 5, 4);
            Tensor mem = Tensor.uniform(r, -1, 1, 1, 3, 4);
            Tensor full = l1.forward(l0.forward(x, mem, MhaOptions.CAUSAL, null), mem, MhaOptions.CAUSAL, null);
            KvCache cache = new KvCache(2);
            Tensor[] steps = new Tensor[5];
            for (int t = 0; t < 5; t++) {
                Tensor h = l0.forwardCached(Views.narrow(x, 1, t, 1), mem, cache.layer(0), null);
                steps[t] = l1.forwardCached(h, mem, cache.layer(1), null);
            }
            assertArrayEquals(full.data(), ShapeOps.concat(1, steps).data(), 1e-5f);
        }
    }
}
