package io.isthmus.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits text into word and punctuation tokens by one fixed rule:
 * <ul>
 * <li>whitespace separates tokens and is dropped;</li>
 * <li>a word is a maximal run of letters and digits ({@link Character#isLetterOrDigit(int)}),
 *     which may continue across a single apostrophe between two such characters
 *     ({@code don't}, {@code o'er} are one token each);</li>
 * <li>every other character (punctuation, symbols, a leading or trailing apostrophe) is a
 *     token on its own: {@code "Hello, world!"} gives {@code Hello , world !};</li>
 * <li>with {@code lowercase}, tokens are lower-cased (locale-independent).</li>
 * </ul>
 * So no token ever contains whitespace or angle brackets next to letters: {@code <unk>} in a
 * text becomes {@code < unk >} and cannot collide with a special token.
 */
public record WordTokenizer(boolean lowercase) {

    /** The tokens of {@code text}, in order. */
    public List<String> tokenize(String text) {
        List<String> tokens = new ArrayList<>();
        int n = text.length();
        int i = 0;
        while (i < n) {
            int cp = text.codePointAt(i);
            if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
                i += Character.charCount(cp);
                continue;
            }
            int start = i;
            if (Character.isLetterOrDigit(cp)) {
                i += Character.charCount(cp);
                while (i < n) {
                    int c = text.codePointAt(i);
                    if (Character.isLetterOrDigit(c)) {
                        i += Character.charCount(c);
                    } else if (c == '\'' && i + 1 < n && Character.isLetterOrDigit(text.codePointAt(i + 1))) {
                        i++;
                    } else {
                        break;
                    }
                }
            } else {
                i += Character.charCount(cp);
            }
            String token = text.substring(start, i);
            tokens.add(lowercase ? token.toLowerCase(Locale.ROOT) : token);
        }
        return tokens;
    }
}
