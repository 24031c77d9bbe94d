package io.isthmus.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Word-level token ids: the tokens of a corpus (split by a {@link WordTokenizer}), kept if they
 * occur at least {@code minFrequency} times, most frequent first, cut to {@code maxSize} ids in
 * all. Special tokens come first: {@code <pad>} (id 0, only if asked for), then {@code <unk>},
 * which every token outside the vocabulary encodes to. Among the kept tokens, ids follow
 * descending count, ties in ascending {@link String#compareTo} order, so the same corpus
 * always gives the same ids.
 *
 * <pre>{@code
 * WordVocabulary vocab = WordVocabulary.builder().minFrequency(2).maxSize(10_000).pad(true).build(text);
 * int[] ids = vocab.encode("To be, or not to be");
 * }</pre>
 */
public final class WordVocabulary {

    public static final String UNK = "<unk>";
    public static final String PAD = "<pad>";

    private static final String FORMAT = "isthmus.WordVocabulary";
    private static final int VERSION = 1;

    private final WordTokenizer tokenizer;
    private final List<String> tokens;
    private final Map<String, Integer> ids;
    private final boolean pad;

    private WordVocabulary(WordTokenizer tokenizer, List<String> tokens, boolean pad) {
        this.tokenizer = tokenizer;
        this.tokens = List.copyOf(tokens);
        this.pad = pad;
        this.ids = new HashMap<>();
        for (int i = 0; i < tokens.size(); i++) {
            Integer previous = ids.put(tokens.get(i), i);
            if (previous != null) {
                throw new IllegalArgumentException("token '" + tokens.get(i) + "' appears twice, as ids " + previous + " and " + i);
            }
        }
    }

    /** Defaults: min frequency 1, no size limit, no {@code <pad>}, case kept. */
    public static Builder builder() {
        return new Builder();
    }

    /** Options of a vocabulary built from a corpus. */
    public static final class Builder {
        private int minFrequency = 1;
        private int maxSize = Integer.MAX_VALUE;
        private boolean pad;
        private boolean lowercase;

        private Builder() {
        }

        /** Tokens seen fewer times than this (&gt;= 1) become {@code <unk>}. */
        public Builder minFrequency(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("min frequency must be >= 1, got " + count);
            }
            this.minFrequency = count;
            return this;
        }

        /** At most this many ids in all, special tokens included (&gt;= the number of special tokens). */
        public Builder maxSize(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("max vocabulary size must be >= 1, got " + size);
            }
            this.maxSize = size;
            return this;
        }

        /** Whether to reserve id 0 for {@code <pad>} (default false). */
        public Builder pad(boolean withPad) {
            this.pad = withPad;
            return this;
        }

        /** Whether tokens are lower-cased, in the corpus and in everything encoded later (default false). */
        public Builder lowercase(boolean lower) {
            this.lowercase = lower;
            return this;
        }

        /** The vocabulary of one text. */
        public WordVocabulary build(String text) {
            return build(List.of(text));
        }

        /** The vocabulary of several texts (sentences, documents) counted together. */
        public WordVocabulary build(Iterable<String> texts) {
            int specials = pad ? 2 : 1;
            if (maxSize < specials) {
                throw new IllegalArgumentException("max vocabulary size " + maxSize + " leaves no room for the "
                        + specials + " special tokens " + (pad ? "<pad>, <unk>" : "<unk>"));
            }
            WordTokenizer tokenizer = new WordTokenizer(lowercase);
            Map<String, Integer> counts = new HashMap<>();
            for (String text : texts) {
                for (String token : tokenizer.tokenize(text)) {
                    counts.merge(token, 1, Integer::sum);
                }
            }
            List<Map.Entry<String, Integer>> kept = new ArrayList<>();
            for (Map.Entry<String, Integer> e : counts.entrySet()) {
                if (e.getValue() >= minFrequency) {
                    kept.add(e);
                }
            }
            kept.sort(Map.Entry.<String, Integer>comparingByValue(Collections.reverseOrder())
                    .thenComparing(Map.Entry.comparingByKey()));
            List<String> tokens = new ArrayList<>();
            if (pad) {
                tokens.add(PAD);
            }
            tokens.add(UNK);
            for (int i = 0; i < kept.size() && tokens.size() < maxSize; i++) {
                tokens.add(kept.get(i).getKey());
            }
            return new WordVocabulary(tokenizer, tokens, pad);
        }
    }

    /** Number of ids V, special tokens included. */
    public int size() {
        return tokens.size();
    }

    /** The id every unknown token maps to. */
    public int unkId() {
        return pad ? 1 : 0;
    }

    /** The id of {@code <pad>} (0), if the vocabulary has one. */
    public OptionalInt padId() {
        return pad ? OptionalInt.of(0) : OptionalInt.empty();
    }

    public WordTokenizer tokenizer() {
        return tokenizer;
    }

    /** The id of {@code token} (as the tokenizer yields it), or {@link #unkId()} if unknown. */
    public int id(String token) {
        return ids.getOrDefault(token, unkId());
    }

    /** The token with id {@code id}. */
    public String token(int id) {
        checkId(id, 0);
        return tokens.get(id);
    }

    /** Every token in id order (unmodifiable). */
    public List<String> tokens() {
        return tokens;
    }

    /** The ids of the tokens of {@code text}; tokens outside the vocabulary give {@link #unkId()}. */
    public int[] encode(String text) {
        List<String> split = tokenizer.tokenize(text);
        int[] out = new int[split.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = id(split.get(i));
        }
        return out;
    }

    /** The tokens of {@code ids}, {@code <pad>} dropped; each id must be in [0, V). */
    public List<String> decodeTokens(int... ids) {
        List<String> out = new ArrayList<>(ids.length);
        for (int i = 0; i < ids.length; i++) {
            checkId(ids[i], i);
            if (!(pad && ids[i] == 0)) {
                out.add(tokens.get(ids[i]));
            }
        }
        return out;
    }

    /**
     * The tokens of {@code ids} joined by single spaces, {@code <pad>} dropped. Not the inverse
     * of {@link #encode}: the original spacing is not kept ({@code "Hello, world"} decodes as
     * {@code "Hello , world"}) and unknown words come back as {@code <unk>}.
     */
    public String decode(int... ids) {
        return String.join(" ", decodeTokens(ids));
    }

    private void checkId(int id, int position) {
        if (id < 0 || id >= tokens.size()) {
            throw new IllegalArgumentException("id " + id + " at position " + position + " is out of range [0, "
                    + tokens.size() + ") of the word vocabulary");
        }
    }

    /**
     * Writes the vocabulary as JSON (atomically): format, version, {@code lowercase},
     * {@code pad} and {@code tokens}, every token in id order, special tokens included.
     */
    public void save(Path file) throws IOException {
        JsonObject root = new JsonObject();
        root.addProperty("format", FORMAT);
        root.addProperty("version", VERSION);
        root.addProperty("lowercase", tokenizer.lowercase());
        root.addProperty("pad", pad);
        JsonArray list = new JsonArray();
        tokens.forEach(list::add);
        root.add("tokens", list);
        JsonFiles.write(file, root);
    }

    /**
     * Reads a vocabulary written by {@link #save}: the same ids and tokenizer.
     *
     * @throws NoSuchFileException if the file does not exist
     * @throws DataFormatException if it is not such a vocabulary (the message says what is wrong)
     */
    public static WordVocabulary load(Path file) throws IOException {
        JsonObject root = JsonFiles.readObject(file, FORMAT, VERSION);
        boolean lowercase = JsonFiles.bool(file, root, "lowercase");
        boolean pad = JsonFiles.bool(file, root, "pad");
        JsonArray list = JsonFiles.array(file, root, "tokens");
        List<String> tokens = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            JsonElement e = list.get(i);
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString() || e.getAsString().isEmpty()) {
                throw new DataFormatException(file, "\"tokens\"[" + i + "] is " + e + ", not a non-empty string");
            }
            tokens.add(e.getAsString());
        }
        List<String> specials = pad ? List.of(PAD, UNK) : List.of(UNK);
        if (tokens.size() < specials.size() || !tokens.subList(0, specials.size()).equals(specials)) {
            throw new DataFormatException(file, "\"tokens\" must start with " + specials + " (pad " + pad + "), found "
                    + tokens.subList(0, Math.min(tokens.size(), specials.size())));
        }
        try {
            return new WordVocabulary(new WordTokenizer(lowercase), tokens, pad);
        } catch (IllegalArgumentException repeated) {
            throw new DataFormatException(file, 0, repeated.getMessage(), repeated);
        }
    }

    @Override
    public String toString() {
        return "WordVocabulary[" + tokens.size() + " tokens" + (pad ? ", <pad> 0" : "") + ", <unk> " + unkId() + "]";
    }
}
