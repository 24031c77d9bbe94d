package io.isthmus.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reading the small JSON files vocabularies are saved in, with messages naming the file. */
final class JsonFiles {

    private JsonFiles() {
    }

    /** The file's top-level object, checked to carry {@code "format": format} and {@code "version": version}. */
    static JsonObject readObject(Path file, String format, int version) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "vocabulary file not found (" + file.toAbsolutePath() + ")");
        }
        String text = TextFile.read(file);
        JsonElement parsed;
        try {
            parsed = JsonParser.parseString(text);
        } catch (JsonParseException e) {
            throw new DataFormatException(file, 0, "not valid JSON: " + e.getMessage(), e);
        }
        if (!parsed.isJsonObject()) {
            throw new DataFormatException(file, "expected a JSON object, found " + abbreviate(parsed));
        }
        JsonObject root = parsed.getAsJsonObject();
        String found = string(file, root, "format");
        if (!format.equals(found)) {
            throw new DataFormatException(file, "\"format\" is \"" + found + "\", expected \"" + format + "\"");
        }
        JsonElement v = root.get("version");
        if (v == null || !v.isJsonPrimitive() || !v.getAsJsonPrimitive().isNumber() || v.getAsDouble() != version) {
            throw new DataFormatException(file, "\"version\" is " + v + ", this reader knows version " + version);
        }
        return root;
    }

    static String string(Path file, JsonObject root, String key) throws DataFormatException {
        JsonElement e = root.get(key);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new DataFormatException(file, "\"" + key + "\" is " + (e == null ? "missing" : abbreviate(e))
                    + ", expected a string");
        }
        return e.getAsString();
    }

    static JsonArray array(Path file, JsonObject root, String key) throws DataFormatException {
        JsonElement e = root.get(key);
        if (e == null || !e.isJsonArray()) {
            throw new DataFormatException(file, "\"" + key + "\" is " + (e == null ? "missing" : abbreviate(e))
                    + ", expected an array");
        }
        return e.getAsJsonArray();
    }

    /** An integer field. */
    static int integer(Path file, JsonObject root, String key) throws DataFormatException {
        JsonElement e = root.get(key);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()
                || e.getAsDouble() != Math.rint(e.getAsDouble())) {
            throw new DataFormatException(file, "\"" + key + "\" is " + (e == null ? "missing" : abbreviate(e))
                    + ", expected an integer");
        }
        return e.getAsInt();
    }

    static boolean bool(Path file, JsonObject root, String key) throws DataFormatException {
        JsonElement e = root.get(key);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
            throw new DataFormatException(file, "\"" + key + "\" is " + (e == null ? "missing" : abbreviate(e))
                    + ", expected true or false");
        }
        return e.getAsBoolean();
    }

    /** Writes {@code root} as UTF-8 JSON, atomically, creating missing parent directories. */
    static void write(Path file, JsonObject root) throws IOException {
        io.isthmus.io.AtomicFiles.createParentDirectories(file);
        io.isthmus.io.AtomicFiles.write(file, (root + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static String abbreviate(JsonElement e) {
        String s = e.toString();
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }
}
