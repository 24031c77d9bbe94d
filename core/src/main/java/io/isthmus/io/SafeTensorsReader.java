package io.isthmus.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

import java.io.IOException;
import java.io.StringReader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Parses and validates a safetensors file; see {@link SafeTensors#read}. */
final class SafeTensorsReader {

    /** Same limit as the reference Rust implementation: a larger header is corruption, not a model. */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64_LE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** One header entry; offsets are relative to the start of the data section. */
    private record Entry(String name, DType dtype, int[] shape, long begin, long end) {
        String offsets() {
            return "[" + begin + ", " + end + "]";
        }
    }

    private static final String SUPPORTED =
            Arrays.stream(DType.values()).map(Enum::name).collect(Collectors.joining(", "));

    private final Path file;

    private SafeTensorsReader(Path file) {
        this.file = file;
    }

    static SafeTensors read(Path file) throws IOException {
        return new SafeTensorsReader(file).read();
    }

    private SafeTensors read() throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no such safetensors file");
        }
        try (channel) {
            long fileSize = channel.size();
            long headerLength = readHeaderLength(channel, fileSize);
            String headerText = readHeaderText(channel, (int) headerLength);
            long dataStart = 8 + headerLength;
            long dataLength = fileSize - dataStart;

            var metadata = new LinkedHashMap<String, String>();
            List<Entry> entries = parseHeader(headerText, metadata);
            for (Entry e : entries) {
                checkEntry(e, dataLength);
            }
            // Layout order; the sort is stable, so zero-size tensors keep header order.
            entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
            checkCoverage(entries, dataLength);

            var tensors = new LinkedHashMap<String, StoredTensor>();
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment data = dataLength == 0
                        ? MemorySegment.NULL
                        : channel.map(FileChannel.MapMode.READ_ONLY, dataStart, dataLength, arena);
                for (Entry e : entries) {
                    tensors.put(e.name(), decode(e, data));
                }
            }
            return new SafeTensors(tensors, metadata);
        }
    }

    private long readHeaderLength(FileChannel channel, long fileSize) throws IOException {
        if (fileSize < 8) {
            throw error("file is " + fileSize + " bytes, too short for the 8-byte header length");
        }
        ByteBuffer buf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, buf, 0);
        long n = buf.getLong(0); // unsigned 64-bit in the file
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw error("header length " + Long.toUnsignedString(n) + " is absurdly large (limit "
                    + MAX_HEADER_BYTES + " bytes; file is " + fileSize + " bytes)");
        }
        if (n > fileSize - 8) {
            throw error("header length " + n + " runs past the end of the file (file is " + fileSize
                    + " bytes, so at most " + (fileSize - 8) + " header bytes fit)");
        }
        return n;
    }

    private String readHeaderText(FileChannel channel, int headerLength) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(headerLength);
        readFully(channel, buf, 8);
        buf.flip();
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(buf).toString();
        } catch (CharacterCodingException e) {
            throw error("header (" + headerLength + " bytes) is not valid UTF-8", e);
        }
    }

    private void readFully(FileChannel channel, ByteBuffer buf, long position) throws IOException {
        while (buf.hasRemaining()) {
            int n = channel.read(buf, position + buf.position());
            if (n < 0) {
                throw error("file ended while reading its header (file changed while reading?)");
            }
        }
    }

    /** Reads the header object; fills {@code metadata}, returns the tensor entries in header order. */
    private List<Entry> parseHeader(String text, LinkedHashMap<String, String> metadata) throws IOException {
        List<Entry> entries = new ArrayList<>();
        Set<String> names = new HashSet<>();
        try {
            JsonReader json = new JsonReader(new StringReader(text));
            json.setStrictness(Strictness.STRICT);
            if (json.peek() != JsonToken.BEGIN_OBJECT) {
                throw error("header is not a JSON object; it starts with " + quote(prefix(text, 20)));
            }
            json.beginObject();
            while (json.hasNext()) {
                String name = json.nextName();
                if (!names.add(name)) {
                    throw error("header has the key " + quote(name) + " twice");
                }
                JsonElement value = JsonParser.parseReader(json);
                if (name.equals(SafeTensors.METADATA_KEY)) {
                    parseMetadata(value, metadata);
                } else {
                    entries.add(parseEntry(name, value));
                }
            }
            json.endObject();
            if (json.peek() != JsonToken.END_DOCUMENT) {
                throw error("header has content after its JSON object");
            }
        } catch (SafeTensorsFormatException e) {
            throw e;
        } catch (JsonParseException | IllegalStateException | IOException e) {
            // Gson throws MalformedJsonException, or EOFException for text that ends early.
            throw error("header is not valid JSON" + jsonErrorLocation(e) + ": " + quote(prefix(text, 80)), e);
        }
        return entries;
    }

    private static final Pattern GSON_LOCATION = Pattern.compile("line (\\d+) column (\\d+)");

    /** " (error at line 1, column 17)", from Gson's message, whose remaining advice is about its API. */
    private static String jsonErrorLocation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            Matcher m = GSON_LOCATION.matcher(String.valueOf(t.getMessage()));
            if (m.find()) {
                return " (error at line " + m.group(1) + ", column " + m.group(2) + ")";
            }
        }
        return "";
    }

    private void parseMetadata(JsonElement value, LinkedHashMap<String, String> metadata) throws IOException {
        if (value.isJsonNull()) {
            return; // the Rust implementation writes no key, but accepts null
        }
        if (!value.isJsonObject()) {
            throw error(quote(SafeTensors.METADATA_KEY) + " is not an object of strings: " + value);
        }
        for (var e : value.getAsJsonObject().entrySet()) {
            JsonElement v = e.getValue();
            if (!(v.isJsonPrimitive() && v.getAsJsonPrimitive().isString())) {
                throw error(quote(SafeTensors.METADATA_KEY) + " value for key " + quote(e.getKey())
                        + " is not a string: " + v);
            }
            metadata.put(e.getKey(), v.getAsString());
        }
    }

    private Entry parseEntry(String name, JsonElement value) throws IOException {
        String what = "tensor " + quote(name);
        if (!value.isJsonObject()) {
            throw error(what + " is not an object with dtype, shape and data_offsets: " + value);
        }
        JsonObject info = value.getAsJsonObject();

        JsonElement dtypeJson = info.get("dtype");
        if (dtypeJson == null || !dtypeJson.isJsonPrimitive() || !dtypeJson.getAsJsonPrimitive().isString()) {
            throw error(what + " has no string \"dtype\": " + value);
        }
        String dtypeName = dtypeJson.getAsString();
        DType dtype = DType.fromHeaderName(dtypeName).orElseThrow(() -> error(what + " has unknown or unsupported dtype "
                + quote(dtypeName) + " (supported: " + SUPPORTED + ")"));

        JsonArray shapeJson = array(info, "shape", what);
        int[] shape = new int[shapeJson.size()];
        for (int i = 0; i < shape.length; i++) {
            long d = integer(shapeJson.get(i), what + " shape " + shapeJson);
            if (d < 0) {
                throw error(what + " has negative dimension " + d + " in shape " + shapeJson);
            }
            if (d > Integer.MAX_VALUE) {
                throw error(what + " has dimension " + d + " in shape " + shapeJson + ", above " + Integer.MAX_VALUE);
            }
            shape[i] = (int) d;
        }

        JsonArray offsetsJson = array(info, "data_offsets", what);
        if (offsetsJson.size() != 2) {
            throw error(what + " has data_offsets " + offsetsJson + "; expected [begin, end]");
        }
        long begin = integer(offsetsJson.get(0), what + " data_offsets " + offsetsJson);
        long end = integer(offsetsJson.get(1), what + " data_offsets " + offsetsJson);
        return new Entry(name, dtype, shape, begin, end);
    }

    private JsonArray array(JsonObject info, String key, String what) throws IOException {
        JsonElement v = info.get(key);
        if (v == null || !v.isJsonArray()) {
            throw error(what + " has no array " + quote(key) + ": " + info);
        }
        return v.getAsJsonArray();
    }

    /** A JSON integer that fits in a long; rejects 1.5, "3" and 1e30. */
    private long integer(JsonElement v, String what) throws IOException {
        if (v.isJsonPrimitive()) {
            JsonPrimitive p = v.getAsJsonPrimitive();
            if (p.isNumber()) {
                try {
                    BigDecimal d = p.getAsBigDecimal();
                    return d.longValueExact();
                } catch (ArithmeticException | NumberFormatException e) {
                    // fall through to the error below
                }
            }
        }
        throw error(what + ": " + v + " is not an integer in range");
    }

    private void checkEntry(Entry e, long dataLength) throws IOException {
        String what = "tensor " + quote(e.name());
        if (e.begin() < 0 || e.end() < e.begin()) {
            throw error(what + " has data_offsets " + e.offsets() + "; need 0 <= begin <= end");
        }
        if (e.end() > dataLength) {
            throw error(what + " has data_offsets " + e.offsets() + " out of range: the data section is "
                    + dataLength + " bytes");
        }
        long span = e.end() - e.begin();
        long needed = bytesNeeded(e.shape(), e.dtype());
        if (needed != span) {
            throw error(what + ": shape " + Arrays.toString(e.shape()) + " of " + e.dtype() + " needs "
                    + (needed < 0 ? "more than " + Long.MAX_VALUE : needed) + " bytes but data_offsets "
                    + e.offsets() + " span " + span);
        }
        long numel = needed / e.dtype().byteSize();
        if (numel > Integer.MAX_VALUE - 8) {
            throw error(what + " has " + numel + " elements, more than a Java array holds");
        }
    }

    /** numel * dtype size, or -1 if that overflows a long. */
    private static long bytesNeeded(int[] shape, DType dtype) {
        try {
            long bytes = dtype.byteSize();
            for (int d : shape) {
                bytes = Math.multiplyExact(bytes, d);
            }
            return bytes;
        } catch (ArithmeticException overflow) {
            return Arrays.stream(shape).anyMatch(d -> d == 0) ? 0 : -1;
        }
    }

    /** The spec requires the tensors to tile the data section exactly: no overlap, no gap. */
    private void checkCoverage(List<Entry> sorted, long dataLength) throws IOException {
        long covered = 0;
        Entry previous = null;
        for (Entry e : sorted) {
            if (e.begin() < covered) {
                throw error("tensors " + quote(previous.name()) + " " + previous.offsets() + " and "
                        + quote(e.name()) + " " + e.offsets() + " overlap");
            }
            if (e.begin() > covered) {
                throw error("gap of " + (e.begin() - covered) + " bytes in the data section before tensor "
                        + quote(e.name()) + " " + e.offsets()
                        + (previous == null ? "" : " (previous tensor " + quote(previous.name()) + " ends at " + covered + ")"));
            }
            covered = e.end();
            previous = e;
        }
        if (covered != dataLength) {
            throw error("data section is " + dataLength + " bytes but the tensors cover only the first " + covered
                    + " (" + (dataLength - covered) + " trailing bytes)");
        }
    }

    private static StoredTensor decode(Entry e, MemorySegment data) {
        int n = Math.toIntExact((e.end() - e.begin()) / e.dtype().byteSize());
        long at = e.begin();
        return switch (e.dtype()) {
            case F32 -> {
                float[] out = new float[n];
                MemorySegment.copy(data, F32_LE, at, out, 0, n);
                yield new StoredTensor(e.dtype(), e.shape(), out, null);
            }
            case F64 -> {
                float[] out = new float[n];
                for (int i = 0; i < n; i++) {
                    out[i] = (float) data.get(F64_LE, at + 8L * i);
                }
                yield new StoredTensor(e.dtype(), e.shape(), out, null);
            }
            case F16 -> {
                float[] out = new float[n];
                for (int i = 0; i < n; i++) {
                    out[i] = Float.float16ToFloat(data.get(I16_LE, at + 2L * i));
                }
                yield new StoredTensor(e.dtype(), e.shape(), out, null);
            }
            case BF16 -> {
                float[] out = new float[n];
                for (int i = 0; i < n; i++) {
                    // bfloat16 is the upper half of a float32
                    out[i] = Float.intBitsToFloat(data.get(I16_LE, at + 2L * i) << 16);
                }
                yield new StoredTensor(e.dtype(), e.shape(), out, null);
            }
            case I64 -> {
                long[] out = new long[n];
                MemorySegment.copy(data, I64_LE, at, out, 0, n);
                yield new StoredTensor(e.dtype(), e.shape(), null, out);
            }
            case I32 -> {
                long[] out = new long[n];
                for (int i = 0; i < n; i++) {
                    out[i] = data.get(I32_LE, at + 4L * i);
                }
                yield new StoredTensor(e.dtype(), e.shape(), null, out);
            }
            case I16 -> {
                long[] out = new long[n];
                for (int i = 0; i < n; i++) {
                    out[i] = data.get(I16_LE, at + 2L * i);
                }
                yield new StoredTensor(e.dtype(), e.shape(), null, out);
            }
            case I8 -> {
                long[] out = new long[n];
                for (int i = 0; i < n; i++) {
                    out[i] = data.get(ValueLayout.JAVA_BYTE, at + i);
                }
                yield new StoredTensor(e.dtype(), e.shape(), null, out);
            }
            case U8 -> {
                long[] out = new long[n];
                for (int i = 0; i < n; i++) {
                    out[i] = data.get(ValueLayout.JAVA_BYTE, at + i) & 0xFF;
                }
                yield new StoredTensor(e.dtype(), e.shape(), null, out);
            }
            case BOOL -> {
                long[] out = new long[n];
                for (int i = 0; i < n; i++) {
                    out[i] = data.get(ValueLayout.JAVA_BYTE, at + i) != 0 ? 1 : 0;
                }
                yield new StoredTensor(e.dtype(), e.shape(), null, out);
            }
        };
    }

    private static String quote(String s) {
        return '"' + s + '"';
    }

    private static String prefix(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }

    private SafeTensorsFormatException error(String problem) {
        return new SafeTensorsFormatException(file, problem);
    }

    private SafeTensorsFormatException error(String problem, Throwable cause) {
        return new SafeTensorsFormatException(file, problem, cause);
    }
}
