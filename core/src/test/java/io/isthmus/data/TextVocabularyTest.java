package io.isthmus.data;

import io.isthmus.testing.SharedFolders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TextFile, CharVocabulary, WordTokenizer and WordVocabulary, on Tiny Shakespeare and small texts. */
class TextVocabularyTest {

    @TempDir
    Path dir;

    private Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private Path write(String name, String text) throws IOException {
        return write(name, text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void tinyShakespeareGivesTheW7Vocabulary() throws IOException {
        String text = TextFile.read(SharedFolders.dataOrSkip("tinyshakespeare").resolve("input.txt"));
        assertEquals(1_115_394, text.length());
        CharVocabulary vocab = CharVocabulary.of(text);
        // Python: ''.join(sorted(set(text))) (see shared/anchors/pytorch/data.py)
        assertEquals("\n !$&',-.3:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", vocab.characters());
        assertEquals(65, vocab.size());
        int[] ids = vocab.encode(text);
        assertEquals(text.length(), ids.length);
        for (int i = 0; i < ids.length; i += 997) {
            assertEquals(text.charAt(i), vocab.characters().charAt(ids[i]), "id of character " + i);
        }
        assertEquals(text, vocab.decode(ids));
        TextSplit split = TextSplit.of(ids, TextSplit.W7_TRAIN_FRACTION);
        assertEquals(1_003_854, split.train().length, "int(1115394 * 0.9)");
        assertEquals(111_540, split.validation().length);
        assertEquals(ids[1_003_854], split.validation()[0]);
    }

    @Test
    void charVocabularyIsSortedCodePoints() {
        String text = "banana\uD83D\uDE00 Ab\n";   // with a supplementary character (an emoji)
        CharVocabulary v = CharVocabulary.of(text);
        TreeSet<Integer> expected = new TreeSet<>();
        text.codePoints().forEach(expected::add);
        assertArrayEquals(expected.stream().mapToInt(Integer::intValue).toArray(), v.characters().codePoints().toArray());
        assertEquals(7, v.size());
        int[] ids = v.encode(text);
        assertEquals(text.codePointCount(0, text.length()), ids.length);
        assertEquals(text, v.decode(ids));
        assertEquals("\uD83D\uDE00", v.character(6));
        assertEquals(-1, v.id('z'));
        assertEquals(-1, v.id(0x10FFFF));
        assertEquals(-1, v.id(0xFFFF));
        assertEquals(CharVocabulary.ofOrdered("ab"), CharVocabulary.ofOrdered("ab"));
        assertEquals(1, CharVocabulary.ofOrdered("ba").id('a'));
    }

    @Test
    void unknownCharacterIsNamedWithItsPosition() {
        CharVocabulary v = CharVocabulary.of("abc\n");
        var e = assertThrows(IllegalArgumentException.class, () -> v.encode("ab\ncz"));
        assertTrue(e.getMessage().contains("'z' (U+007A) at position 4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> v.encode("a\tb"));
        assertTrue(e.getMessage().contains("'\\t' (U+0009) at position 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> v.decode(0, 1, 4));
        assertTrue(e.getMessage().contains("id 4 at position 2") && e.getMessage().contains("[0, 4)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> v.decode(-1));
        assertTrue(e.getMessage().contains("id -1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CharVocabulary.of(""));
        e = assertThrows(IllegalArgumentException.class, () -> CharVocabulary.ofOrdered("aba"));
        assertTrue(e.getMessage().contains("'a'") && e.getMessage().contains("ids 0 and 2"), e.getMessage());
    }

    @Test
    void charVocabularySavesAndLoadsWithoutTheCorpus() throws IOException {
        CharVocabulary v = CharVocabulary.of("To be, or not to be:\n\"that\" \\ is\u00e9\uD83D\uDE00");
        Path file = dir.resolve("sub/vocab.json");
        v.save(file);
        CharVocabulary back = CharVocabulary.load(file);
        assertEquals(v, back);
        assertEquals(v.characters(), back.characters());
        assertArrayEquals(v.encode("be \"that\""), back.encode("be \"that\""));
    }

    @Test
    void charVocabularyFileRejections() throws IOException {
        Path missing = dir.resolve("none.json");
        var nf = assertThrows(NoSuchFileException.class, () -> CharVocabulary.load(missing));
        assertTrue(nf.getMessage().contains(missing.toString()), nf.getMessage());
        assertRejected(CharVocabulary::load, write("bad.json", "{\"format\": "), "not valid JSON");
        assertRejected(CharVocabulary::load, write("list.json", "[1, 2]"), "expected a JSON object");
        assertRejected(CharVocabulary::load, write("fmt.json",
                "{\"format\": \"isthmus.WordVocabulary\", \"version\": 1, \"characters\": [\"a\"]}"), "expected \"isthmus.CharVocabulary\"");
        assertRejected(CharVocabulary::load, write("ver.json",
                "{\"format\": \"isthmus.CharVocabulary\", \"version\": 7, \"characters\": [\"a\"]}"), "\"version\" is 7");
        assertRejected(CharVocabulary::load, write("two.json",
                "{\"format\": \"isthmus.CharVocabulary\", \"version\": 1, \"characters\": [\"a\", \"bc\"]}"), "\"characters\"[1] is \"bc\"");
        assertRejected(CharVocabulary::load, write("dup.json",
                "{\"format\": \"isthmus.CharVocabulary\", \"version\": 1, \"characters\": [\"a\", \"b\", \"a\"]}"), "appears twice");
        assertRejected(CharVocabulary::load, write("none.json2",
                "{\"format\": \"isthmus.CharVocabulary\", \"version\": 1}"), "\"characters\" is missing");
    }

    interface Loader {
        Object load(Path p) throws IOException;
    }

    private static void assertRejected(Loader loader, Path file, String expected) {
        var e = assertThrows(DataFormatException.class, () -> loader.load(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains(expected),
                "expected '" + expected + "' and the path in: " + e.getMessage());
    }

    @Test
    void textFileRejectsMissingEmptyAndNonUtf8Files() throws IOException {
        Path missing = dir.resolve("no-such.txt");
        var nf = assertThrows(NoSuchFileException.class, () -> TextFile.read(missing));
        assertTrue(nf.getMessage().contains(missing.toString()), nf.getMessage());
        var dirError = assertThrows(NoSuchFileException.class, () -> TextFile.read(dir));
        assertTrue(dirError.getMessage().contains("not a regular file"), dirError.getMessage());

        assertRejected(TextFile::read, write("empty.txt", new byte[0]), "empty");
        assertRejected(TextFile::read, write("bom.txt", new byte[]{(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}), "only a byte-order mark");
        // "caf\u00e9" in Latin-1 on the second line: 0xE9 is not followed by continuation bytes
        Path latin1 = write("latin1.txt", new byte[]{'o', 'k', '\n', 'c', 'a', 'f', (byte) 0xE9, '\n'});
        var e = assertThrows(DataFormatException.class, () -> TextFile.read(latin1));
        assertTrue(e.getMessage().contains("not valid UTF-8") && e.getMessage().contains("0xE9")
                && e.getMessage().contains("offset 6") && e.getMessage().contains(latin1 + ":2"), e.getMessage());
        assertEquals(2, e.line());
        assertEquals(latin1, e.file());

        assertEquals("h\u00e9\r\nx", TextFile.read(write("bom-ok.txt", "\uFEFFh\u00e9\r\nx")));
    }

    @Test
    void tokenizerRule() {
        WordTokenizer t = new WordTokenizer(false);
        assertEquals(List.of("Hello", ",", "world", "!", "Don't", "o'er", "'", "tis", "x", "-", "ray", "<", "unk", ">", "42", "'"),
                t.tokenize("  Hello, world!\n\tDon't o'er 'tis x-ray <unk> 42'"));
        assertEquals(List.of("caf\u00e9", "na\u00efve", "."), t.tokenize("caf\u00e9 na\u00efve."));
        assertEquals(List.of("hello", "world"), new WordTokenizer(true).tokenize("HeLLo World"));
        assertEquals(List.of(), t.tokenize(" \n\t "));
    }

    @Test
    void wordVocabularyOrdersByCountThenText() {
        String text = "the cat sat on the mat . the dog sat . a b";
        WordVocabulary v = WordVocabulary.builder().build(text);
        // counts: the 3, . 2, sat 2, then a b cat dog mat on once each (ascending text)
        assertEquals(List.of("<unk>", "the", ".", "sat", "a", "b", "cat", "dog", "mat", "on"), v.tokens());
        assertEquals(0, v.unkId());
        assertEquals(OptionalInt.empty(), v.padId());
        assertArrayEquals(new int[]{1, 6, 3, 0, 2}, v.encode("the cat sat zebra."));
        assertEquals("the cat sat <unk> .", v.decode(v.encode("the  cat\nsat zebra.")));

        WordVocabulary frequent = WordVocabulary.builder().minFrequency(2).pad(true).build(text);
        assertEquals(List.of("<pad>", "<unk>", "the", ".", "sat"), frequent.tokens());
        assertEquals(OptionalInt.of(0), frequent.padId());
        assertEquals(1, frequent.unkId());
        assertArrayEquals(new int[]{2, 1, 4}, frequent.encode("the cat sat"));
        assertEquals(List.of("the", "sat"), frequent.decodeTokens(0, 2, 0, 4, 0));
        assertEquals("the sat", frequent.decode(2, 0, 4));

        WordVocabulary small = WordVocabulary.builder().maxSize(3).lowercase(true).build(List.of("The THE the", "Sat sat ."));
        assertEquals(List.of("<unk>", "the", "sat"), small.tokens());
        assertArrayEquals(new int[]{1, 2, 0}, small.encode("THE SAT ."));
    }

    @Test
    void wordVocabularyRejections() throws IOException {
        var e = assertThrows(IllegalArgumentException.class, () -> WordVocabulary.builder().minFrequency(0));
        assertTrue(e.getMessage().contains("0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> WordVocabulary.builder().maxSize(1).pad(true).build("a"));
        assertTrue(e.getMessage().contains("max vocabulary size 1") && e.getMessage().contains("<pad>, <unk>"), e.getMessage());
        WordVocabulary v = WordVocabulary.builder().build("a b");
        e = assertThrows(IllegalArgumentException.class, () -> v.decode(1, 3));
        assertTrue(e.getMessage().contains("id 3 at position 1") && e.getMessage().contains("[0, 3)"), e.getMessage());

        assertRejected(WordVocabulary::load, write("w1.json",
                "{\"format\": \"isthmus.WordVocabulary\", \"version\": 1, \"lowercase\": false, \"pad\": true, "
                        + "\"tokens\": [\"<unk>\", \"a\"]}"), "must start with [<pad>, <unk>]");
        assertRejected(WordVocabulary::load, write("w2.json",
                "{\"format\": \"isthmus.WordVocabulary\", \"version\": 1, \"lowercase\": \"no\", \"pad\": false, "
                        + "\"tokens\": [\"<unk>\"]}"), "\"lowercase\" is \"no\"");
        assertRejected(WordVocabulary::load, write("w3.json",
                "{\"format\": \"isthmus.WordVocabulary\", \"version\": 1, \"lowercase\": true, \"pad\": false, "
                        + "\"tokens\": [\"<unk>\", \"a\", \"a\"]}"), "token 'a' appears twice");
        assertRejected(WordVocabulary::load, write("w4.json",
                "{\"format\": \"isthmus.WordVocabulary\", \"version\": 1, \"lowercase\": true, \"pad\": false, "
                        + "\"tokens\": [\"<unk>\", 5]}"), "\"tokens\"[1] is 5");
    }

    @Test
    void wordVocabularySavesAndLoads() throws IOException {
        WordVocabulary v = WordVocabulary.builder().pad(true).lowercase(true).minFrequency(1)
                .build("O Romeo, Romeo! wherefore art thou Romeo?");
        Path file = dir.resolve("words.json");
        v.save(file);
        WordVocabulary back = WordVocabulary.load(file);
        assertEquals(v.tokens(), back.tokens());
        assertEquals(v.padId(), back.padId());
        assertTrue(back.tokenizer().lowercase());
        assertArrayEquals(v.encode("ROMEO art thou Juliet"), back.encode("ROMEO art thou Juliet"));
    }
}
