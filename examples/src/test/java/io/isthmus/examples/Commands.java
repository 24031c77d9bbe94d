package io.isthmus.examples;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Runs the examples' command line in the test's JVM, as {@code isthmus} would, and reads what it writes. */
public final class Commands {

    /** The exit status and what the command printed to its error stream. */
    public record Result(int exit, String err) {
    }

    private Commands() {
    }

    public static Result run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine commandLine = Main.commandLine();
        commandLine.setErr(new PrintWriter(err, true));
        int exit = commandLine.execute(args);
        return new Result(exit, err.toString());
    }

    /** {@code base} followed by {@code extra}: a test's fixed options, then the case's own. */
    public static String[] with(String[] base, String... extra) {
        String[] args = Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return args;
    }

    public static JsonObject json(Path file) throws IOException {
        return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    }
}
