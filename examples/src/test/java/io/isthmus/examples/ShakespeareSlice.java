package io.isthmus.examples;

import io.isthmus.testing.SharedFolders;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** The first characters of the shared Tiny Shakespeare as a text file (skips the test without ../shared). */
public final class ShakespeareSlice {

    private ShakespeareSlice() {
    }

    /** The first {@code characters} characters, as {@code slice.txt} in {@code dir}. */
    public static Path write(Path dir, int characters) throws IOException {
        Path input = SharedFolders.dataOrSkip("tinyshakespeare").resolve("input.txt");
        // Tiny Shakespeare is ASCII: bytes are characters.
        Path text = dir.resolve("slice.txt");
        Files.write(text, Arrays.copyOf(Files.readAllBytes(input), characters));
        return text;
    }
}
