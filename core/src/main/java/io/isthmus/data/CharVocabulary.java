package io.isthmus.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The characters of a text, each given an id 0..V-1: built from a corpus as the sorted set of
 * its characters (Unicode code points in ascending order, as Python's {@code sorted(set(text))},
 * so Tiny Shakespeare gives the same 65 ids as the PyTorch W7 script), or loaded from a file
 * saved beside a model so text can be generated without the corpus.
 *
 * <p>A character is a Unicode code point: a supplementary character counts once, and positions
 * in messages count code points from 0.
 */
public final class CharVocabulary {

    private static final String FORMAT = "isthmus.CharVocabulary";
    private static final int VERSION = 1;
    /** Code points below this (and up to the largest in the vocabulary) are looked up in an array; the rest in a map. */
    private static final int TABLE_LIMIT = 1 << 16;

    private final int[] codePoints;
    private final int[] table;
    private final Map<Integer, Integer> others = new HashMap<>();

    private CharVocabulary(int[] codePoints) {
        this.codePoints = codePoints;
        int highest = Arrays.stream(codePoints).max().orElse(0);
        this.table = new int[Math.min(highest + 1, TABLE_LIMIT)];
        Arrays.fill(table, -1);
        for (int id = 0; id < codePoints.length; id++) {
            int cp = codePoints[id];
            Integer previous = cp < TABLE_LIMIT ? set(cp, id) : others.put(cp, id);
            if (previous != null) {
                throw new IllegalArgumentException("character " + describe(cp) + " appears twice in the vocabulary, as ids "
                        + previous + " and " + id);
            }
        }
    }

    private Integer set(int cp, int id) {
        int previous = table[cp];
        table[cp] = id;
        return previous < 0 ? null : previous;
    }

    /** The sorted distinct characters of {@code text} (which must not be empty). */
    public static CharVocabulary of(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("cannot build a character vocabulary from an empty text");
        }
        return new CharVocabulary(text.codePoints().distinct().sorted().toArray());
    }

    /** The characters of {@code characters} in the order given: the first gets id 0; no repeats. */
    public static CharVocabulary ofOrdered(String characters) {
        if (characters.isEmpty()) {
            throw new IllegalArgumentException("a character vocabulary needs at least one character");
        }
        return new CharVocabulary(characters.codePoints().toArray());
    }

    /** Number of characters V. */
    public int size() {
        return codePoints.length;
    }

    /** The id of code point {@code codePoint}, or -1 if it is not in the vocabulary. */
    public int id(int codePoint) {
        if (codePoint >= 0 && codePoint < TABLE_LIMIT) {
            return codePoint < table.length ? table[codePoint] : -1;
        }
        return others.getOrDefault(codePoint, -1);
    }

    /** Whether code point {@code codePoint} has an id. */
    public boolean contains(int codePoint) {
        return id(codePoint) >= 0;
    }

    /** The character with id {@code id} as a string (one code point). */
    public String character(int id) {
        checkId(id, 0);
        return Character.toString(codePoints[id]);
    }

    /** Every character in id order, as one string. */
    public String characters() {
        return new String(codePoints, 0, codePoints.length);
    }

    /**
     * The ids of the characters of {@code text}, one per code point.
     *
     * @throws IllegalArgumentException naming the first character not in the vocabulary and its position
     */
    public int[] encode(String text) {
        int[] ids = new int[text.codePointCount(0, text.length())];
        int position = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int id = id(cp);
            if (id < 0) {
                throw new IllegalArgumentException("character " + describe(cp) + " at position " + position
                        + " is not in the vocabulary of " + codePoints.length + " characters");
            }
            ids[position++] = id;
            i += Character.charCount(cp);
        }
        return ids;
    }

    /** The text of {@code ids}; each id must be in [0, V). */
    public String decode(int... ids) {
        StringBuilder text = new StringBuilder(ids.length);
        for (int i = 0; i < ids.length; i++) {
            checkId(ids[i], i);
            text.appendCodePoint(codePoints[ids[i]]);
        }
        return text.toString();
    }

    private void checkId(int id, int position) {
        if (id < 0 || id >= codePoints.length) {
            throw new IllegalArgumentException("id " + id + " at position " + position + " is out of range [0, "
                    + codePoints.length + ") of the character vocabulary");
        }
    }

    /**
     * Writes the vocabulary as JSON (atomically): {@code {"format": "isthmus.CharVocabulary",
     * "version": 1, "characters": ["\n", " ", "!", ...]}}, one string per id in id order.
     */
    public void save(Path file) throws IOException {
        JsonObject root = new JsonObject();
        root.addProperty("format", FORMAT);
        root.addProperty("version", VERSION);
        JsonArray chars = new JsonArray();
        for (int cp : codePoints) {
            chars.add(Character.toString(cp));
        }
        root.add("characters", chars);
        JsonFiles.write(file, root);
    }

    /**
     * Reads a vocabulary written by {@link #save}; the ids are the same.
     *
     * @throws NoSuchFileException if the file does not exist
     * @throws DataFormatException if it is not such a vocabulary (the message says what is wrong)
     */
    public static CharVocabulary load(Path file) throws IOException {
        JsonObject root = JsonFiles.readObject(file, FORMAT, VERSION);
        JsonArray chars = JsonFiles.array(file, root, "characters");
        if (chars.isEmpty()) {
            throw new DataFormatException(file, "\"characters\" is empty");
        }
        int[] cps = new int[chars.size()];
        for (int i = 0; i < cps.length; i++) {
            JsonElement e = chars.get(i);
            String s = e.isJsonPrimitive() && e.getAsJsonPrimitive().isString() ? e.getAsString() : null;
            if (s == null || s.codePointCount(0, s.length()) != 1) {
                throw new DataFormatException(file, "\"characters\"[" + i + "] is " + e + ", not a string of one character");
            }
            cps[i] = s.codePointAt(0);
        }
        try {
            return new CharVocabulary(cps);
        } catch (IllegalArgumentException repeated) {
            throw new DataFormatException(file, 0, repeated.getMessage(), repeated);
        }
    }

    /** E.g. {@code 'a' (U+0061)} or {@code '\n' (U+000A)}. */
    static String describe(int cp) {
        String shown = switch (cp) {
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            default -> Character.isISOControl(cp) ? "?" : Character.toString(cp);
        };
        return "'" + shown + "' (U+" + String.format("%04X", cp) + ")";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CharVocabulary v && Arrays.equals(codePoints, v.codePoints);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(codePoints);
    }

    @Override
    public String toString() {
        return "CharVocabulary[" + codePoints.length + " characters]";
    }
}
