package io.isthmus.data;

import java.io.IOException;
import java.nio.file.Path;

/** A file that is not a well-formed IDX file; the message names the file and the problem. */
public class IdxFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String problem;

    public IdxFormatException(Path file, String problem) {
        this(file, problem, null);
    }

    public IdxFormatException(Path file, String problem, Throwable cause) {
        super(file.getFileName() + ": " + problem + " (" + file + ")", cause);
        this.file = file;
        this.problem = problem;
    }

    /** The offending file. */
    public Path file() {
        return file;
    }

    /** What is wrong with it, without the file name. */
    public String problem() {
        return problem;
    }
}
