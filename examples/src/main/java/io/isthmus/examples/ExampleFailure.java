package io.isthmus.examples;

/**
 * A problem the user can fix (missing data, an unreadable checkpoint): {@link Main} prints its
 * message without a stack trace and exits with status 1.
 */
public final class ExampleFailure extends RuntimeException {

    public ExampleFailure(String message) {
        super(message);
    }

    public ExampleFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
