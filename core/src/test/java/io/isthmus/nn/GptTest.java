package io.isthmus.nn;

import io.isthmus.ops.GradCheck;
import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Seeds;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The GPT model and block: W8's layout, the composed pieces against plain references, cached decoding. */
class GptTest {

    private static int[] ids(int count, int bound, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] ids = new int[count];
        for (int i = 0; i < count; i++) {
            ids[i] = random.nextInt(bound);
        }
        return ids;
    }

    @Test
    void w8ModelHasW8sParameterCountAndNames() {
        Seeds.set(0);
        Gpt gpt = new Gpt(65, 128, 128, 4, 2, 512, 0f);
        assertEquals(429_889, gpt.parameterCount());
        List<String> names = List.copyOf(gpt.stateDict().keySet());
        assertEquals(List.of("tok.weight", "pos.weight", "blocks.0.ln1.weight", "blocks.0.ln1.bias",
                "blocks.0.qkv.weight", "blocks.0.qkv.bias", "blocks.0.proj.weight", "blocks.0.proj.bias",
                "blocks.0.ln2.weight", "blocks.0.ln2.bias", "blocks.0.fc1.weight", "blocks.0.fc1.bias",
                "blocks.0.fc2.weight", "blocks.0.fc2.bias"), names.subList(0, 14));
        assertEquals(List.of("ln.weight", "ln.bias", "head.weight", "head.bias"), names.subList(names.size() - 4,
                names.size()));
        Gpt described = Gpt.describedBy(gpt.stateDict(), 4);
        assertEquals(gpt.description(), described.description());
        assertThrows(IllegalArgumentException.class, () -> Gpt.describedBy(gpt.stateDict(), 3));
    }

    @Test
    void blockIsCausalAndItsGradientsMatchFiniteDifferences() {
        Seeds.set(4);
        GptBlock block = new GptBlock(6, 2, 5, 0f);
        Tensor x = Tensor.uniform(new SplittableRandom(5), -1, 1, 2, 7, 6);
        float[] full = block.forward(x).data();
        Tensor changed = x.copy();
        for (int c = 0; c < 6; c++) {
            changed.data()[(0 * 7 + 6) * 6 + c] += 1f;
        }
        float[] after = block.forward(changed).data();
        for (int i = 0; i < 6 * 6; i++) {
            assertEquals(full[i], after[i], 1e-6f, "an earlier token of row 0 moved when the last one changed");
        }
        assertTrue(Math.abs(full[6 * 6] - after[6 * 6]) > 1e-4, "the changed token itself should move");
        GradCheck.check("gpt block", in -> block.forward(in.get(0)), List.of(Tensor.uniform(new SplittableRandom(6),
                -1, 1, 1, 3, 6)));
    }

    @Test
    void cachedDecodingEqualsRunningTheWholePrefix() {
        Seeds.set(7);
        Gpt gpt = new Gpt(11, 17, 8, 2, 2, 13, 0f);
        int batch = 2;
        int steps = 17;
        int[] tokens = ids(batch * steps, 11, 8);
        float[] full = gpt.inference(() -> gpt.forward(IndexTensor.of(tokens, batch, steps)).data());
        KvCache cache = gpt.newCache();
        // A prefix of 5 at once, then one token at a time.
        int done = 0;
        for (int chunk : new int[]{5, 1, 1, 3, 7}) {
            int[] part = new int[batch * chunk];
            for (int b = 0; b < batch; b++) {
                System.arraycopy(tokens, b * steps + done, part, b * chunk, chunk);
            }
            float[] logits = gpt.inference(() -> gpt.forward(IndexTensor.of(part, batch, chunk), cache).data());
            for (int b = 0; b < batch; b++) {
                for (int t = 0; t < chunk; t++) {
                    for (int v = 0; v < 11; v++) {
                        assertEquals(full[(b * steps + done + t) * 11 + v], logits[(b * chunk + t) * 11 + v], 1e-4f,
                                "batch " + b + " token " + (done + t) + " logit " + v);
                    }
                }
            }
            done += chunk;
            assertEquals(done, cache.length());
        }
        IllegalArgumentException full17 = assertThrows(IllegalArgumentException.class,
                () -> gpt.forward(IndexTensor.of(new int[]{1, 2}, 2, 1), cache));
        assertTrue(full17.getMessage().contains("context 17"), full17.getMessage());
        assertThrows(IllegalArgumentException.class, () -> gpt.forward(IndexTensor.of(new int[]{1, 2}, 2)));
        assertArrayEquals(new int[]{1, 3, 11}, gpt.forward(IndexTensor.of(new int[]{1, 2, 3}, 1, 3)).shape());
    }

    /** Every dropout of the model (embeddings, residual branches, attention) is off in eval mode. */
    @Test
    void evalTurnsEveryDropoutOff() {
        Seeds.set(3);
        Gpt gpt = new Gpt(11, 16, 16, 2, 2, 32, 0.5f);
        IndexTensor x = IndexTensor.of(ids(2 * 9, 11, 4), 2, 9);
        float[] trainedA = gpt.forward(x).data();
        float[] trainedB = gpt.forward(x).data();
        assertTrue(!java.util.Arrays.equals(trainedA, trainedB), "training mode drops out");
        gpt.eval();
        assertArrayEquals(gpt.forward(x).data(), gpt.forward(x).data());
        Gpt noDropout = new Gpt(11, 16, 16, 2, 2, 32, 0f);
        noDropout.loadStateDict(gpt.stateDict());
        assertArrayEquals(noDropout.forward(x).data(), gpt.forward(x).data(), 1e-6f);
    }
}
