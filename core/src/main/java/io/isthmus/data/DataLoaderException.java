package io.isthmus.data;

/** Building a batch failed (in the dataset or a transform); the cause is the original error. */
public class DataLoaderException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataLoaderException(String message, Throwable cause) {
        super(message, cause);
    }
}
