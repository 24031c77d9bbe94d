package io.isthmus.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A text or CSV data file that cannot be used as it is: empty, not UTF-8, a malformed row, a
 * value that is not a number. The message names the file and, where there is one, the line
 * (1-based) and the offending text.
 */
public class DataFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final int line;

    /** A problem with the file as a whole. */
    public DataFormatException(Path file, String problem) {
        this(file, 0, problem, null);
    }

    /** A problem on line {@code line} (1-based; 0 for the file as a whole). */
    public DataFormatException(Path file, int line, String problem) {
        this(file, line, problem, null);
    }

    public DataFormatException(Path file, int line, String problem, Throwable cause) {
        super(file + (line > 0 ? ":" + line : "") + ": " + problem, cause);
        this.file = file;
        this.line = line;
    }

    /** The offending file. */
    public Path file() {
        return file;
    }

    /** The offending line, 1-based, or 0 when the problem is the file as a whole. */
    public int line() {
        return line;
    }
}
