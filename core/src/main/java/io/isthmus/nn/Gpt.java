package io.isthmus.nn;

import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Shape;
import io.isthmus.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A decoder-only transformer language model, the W8 script's {@code TinyGPT} with its state dict
 * names ({@code tok.weight}, {@code pos.weight}, {@code blocks.0.ln1.weight},
 * {@code blocks.0.qkv.weight}, ..., {@code ln.weight}, {@code head.weight}):
 * <pre>
 *   h = tok(ids) + pos(positions)             token and learned position embeddings [B, T, E]
 *   h = block_L(... block_1(h))               pre-norm {@link GptBlock}s, causal
 *   logits = head(ln(h))                      [B, T, V]
 * </pre>
 * Positions run from 0 to {@code context - 1}: a sequence is at most {@code context} tokens.
 * {@link #forward(IndexTensor, KvCache)} continues a sequence whose earlier tokens' keys and values
 * a {@link KvCache} holds, for generation one token at a time.
 */
public final class Gpt extends Module {

    private final int vocabularySize;
    private final int context;
    private final int dModel;
    private final int heads;
    private final int layers;
    private final int ff;
    private final Embedding tok;
    private final Embedding pos;
    private final List<GptBlock> blocks = new ArrayList<>();
    private final LayerNorm ln;
    private final Linear head;
    private final Dropout embeddingDropout;

    /**
     * Weights drawn as PyTorch draws them, from the global seeds in the order tok, pos, blocks,
     * ln, head (W8: V 65, context 128, E 128, 4 heads, 2 layers, ff 512, no dropout: 429,889
     * parameters).
     *
     * @param dropout on the embeddings' sum and in every block (training only), in [0, 1)
     */
    public Gpt(int vocabularySize, int context, int dModel, int heads, int layers, int ff, float dropout) {
        if (vocabularySize < 1 || context < 1 || layers < 1) {
            throw new IllegalArgumentException("Gpt needs a vocabulary, a context and layers of at least 1, got V "
                    + vocabularySize + ", context " + context + ", layers " + layers);
        }
        this.vocabularySize = vocabularySize;
        this.context = context;
        this.dModel = dModel;
        this.heads = heads;
        this.layers = layers;
        this.ff = ff;
        this.tok = registerModule("tok", new Embedding(vocabularySize, dModel));
        this.pos = registerModule("pos", new Embedding(context, dModel));
        Sequential stack = new Sequential();
        for (int i = 0; i < layers; i++) {
            GptBlock block = new GptBlock(dModel, heads, ff, dropout);
            blocks.add(block);
            stack.add(block);
        }
        registerModule("blocks", stack);
        this.ln = registerModule("ln", new LayerNorm(dModel));
        this.head = registerModule("head", new Linear(dModel, vocabularySize));
        // Registered, so that eval() turns it off and checkpoints keep its stream.
        this.embeddingDropout = registerModule("drop", new Dropout(dropout));
    }

    /**
     * The model a state dict of this class describes: V and E from {@code tok.weight} [V, E], the
     * context from {@code pos.weight}, the layers from the count of {@code blocks.N.qkv.weight},
     * ff from {@code blocks.0.fc1.weight}; {@code heads} is not in the weights and is given. The
     * weights are not loaded; call {@link #loadStateDict}.
     *
     * @throws IllegalArgumentException naming what is missing or inconsistent
     */
    public static Gpt describedBy(Map<String, Tensor> state, int heads) {
        Tensor tokWeight = state.get("tok.weight");
        Tensor posWeight = state.get("pos.weight");
        Tensor fc1 = state.get("blocks.0.fc1.weight");
        if (tokWeight == null || posWeight == null || fc1 == null || tokWeight.dim() != 2 || posWeight.dim() != 2
                || fc1.dim() != 2) {
            throw new IllegalArgumentException("no GPT here: expected tok.weight [V, E], pos.weight [context, E] and "
                    + "blocks.0.fc1.weight [ff, E], found keys " + state.keySet());
        }
        int layers = 0;
        while (state.containsKey("blocks." + layers + ".qkv.weight")) {
            layers++;
        }
        int dModel = tokWeight.size(1);
        if (dModel % heads != 0) {
            throw new IllegalArgumentException("d_model " + dModel + " of tok.weight is not divisible by " + heads
                    + " heads");
        }
        return new Gpt(tokWeight.size(0), posWeight.size(0), dModel, heads, layers, fc1.size(0), 0f);
    }

    /** ids [B, T] (T &lt;= context) -> logits [B, T, V]. */
    public Tensor forward(IndexTensor ids) {
        return forward(ids, null);
    }

    /**
     * ids [B, t], the tokens after the {@code cache.length()} tokens the cache holds (null: a
     * sequence from position 0) -> logits [B, t, V]; the cache then holds those tokens too.
     *
     * @throws IllegalArgumentException when ids is not [B, t] or the sequence would pass the context
     */
    public Tensor forward(IndexTensor ids, KvCache cache) {
        if (ids.dim() != 2 || ids.shape()[1] < 1) {
            throw new IllegalArgumentException("Gpt expects ids [B, T] with T >= 1, got " + Shape.str(ids.shape()));
        }
        int steps = ids.shape()[1];
        int start = cache == null ? 0 : cache.length();
        if (start + steps > context) {
            throw new IllegalArgumentException("Gpt of context " + context + " got " + steps + " tokens after "
                    + start + " cached ones (positions up to " + (start + steps - 1) + ")");
        }
        int[] positions = new int[steps];
        for (int t = 0; t < steps; t++) {
            positions[t] = start + t;
        }
        Tensor h = embeddingDropout.forward(tok.forward(ids).add(pos.forward(IndexTensor.of(positions, steps))));
        for (int i = 0; i < blocks.size(); i++) {
            h = blocks.get(i).forward(h, cache == null ? null : cache.layer(i));
        }
        return recordOutput(head.forward(ln.forward(h)));
    }

    /** An empty cache for {@link #forward(IndexTensor, KvCache)}, one entry per block. */
    public KvCache newCache() {
        return new KvCache(blocks.size());
    }

    public int vocabularySize() {
        return vocabularySize;
    }

    public int context() {
        return context;
    }

    public int dModel() {
        return dModel;
    }

    public int heads() {
        return heads;
    }

    public int layers() {
        return layers;
    }

    public int ff() {
        return ff;
    }

    /** E.g. "GPT(V 65, context 128, d_model 128, 4 heads, 2 layers, ff 512)". */
    public String description() {
        return String.format(Locale.ROOT, "GPT(V %d, context %d, d_model %d, %d heads, %d layers, ff %d)",
                vocabularySize, context, dModel, heads, layers, ff);
    }
}
