package io.isthmus.data;

import java.io.IOException;
import java.nio.file.Path;

/** A file that is not a well-formed CIFAR-10 binary file; the message names the file and the problem. */
public class Cifar10FormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String problem;

    public Cifar10FormatException(Path file, String problem) {
        super(file.getFileName() + ": " + problem + " (" + file + ")");
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
