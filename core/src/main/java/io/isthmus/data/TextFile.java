package io.isthmus.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads a whole UTF-8 text file (a corpus such as Tiny Shakespeare) strictly. */
public final class TextFile {

    private TextFile() {
    }

    /**
     * The file's text. A leading byte-order mark is dropped; line endings are kept as they are.
     *
     * @throws NoSuchFileException  if {@code file} does not exist or is not a regular file (the message names the path)
     * @throws DataFormatException  if the file is empty, or is not valid UTF-8 (naming the byte offset and line)
     */
    public static String read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null,
                    Files.exists(file) ? "not a regular file" : "text file not found (" + file.toAbsolutePath() + ")");
        }
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length == 0) {
            throw new DataFormatException(file, "the file is empty (0 bytes); expected UTF-8 text");
        }
        String text = decode(file, bytes);
        if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
            text = text.substring(1);
        }
        if (text.isEmpty()) {
            throw new DataFormatException(file, "the file holds only a byte-order mark; expected UTF-8 text");
        }
        return text;
    }

    private static String decode(Path file, byte[] bytes) throws DataFormatException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isUnderflow()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int at = in.position();
            int line = 1;
            for (int i = 0; i < at; i++) {
                if (bytes[i] == '\n') {
                    line++;
                }
            }
            throw new DataFormatException(file, line, "not valid UTF-8: byte 0x"
                    + String.format("%02X", bytes[at] & 0xFF) + " at offset " + at
                    + " is not part of a well-formed UTF-8 sequence (convert the file to UTF-8)");
        }
        out.flip();
        return out.toString();
    }
}
