package io.isthmus.io;

import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafeTensorsTest {

    @TempDir
    Path dir;

    // ---- round trip and layout ----

    @Test
    void indexTensorsRoundTripAsI64AndI32() throws IOException {
        IndexTensor labels = IndexTensor.of(new int[]{Integer.MIN_VALUE, -100, 0, 9, Integer.MAX_VALUE, 3}, 2, 3);
        var tensors = new LinkedHashMap<String, StoredTensor>();
        tensors.put("as_i64", StoredTensor.of(labels));
        tensors.put("as_i32", StoredTensor.of(labels, DType.I32));
        tensors.put("floats", StoredTensor.f32(new float[]{1.5f}, 1));
        Path file = dir.resolve("labels.safetensors");
        new SafeTensors(tensors).write(file);

        // I32 is 4 bytes an element in the file, I64 8: header + 48 + 24 + 4 bytes of data.
        String header = new String(Files.readAllBytes(file), 8, 160, StandardCharsets.UTF_8);
        assertTrue(header.contains("\"as_i32\":{\"dtype\":\"I32\",\"shape\":[2,3],\"data_offsets\":[48,72]}"), header);
        SafeTensors back = SafeTensors.read(file);
        assertEquals(DType.I64, back.tensors().get("as_i64").dtype());
        assertEquals(DType.I32, back.tensors().get("as_i32").dtype());
        assertEquals(labels, back.indices("as_i64"));
        assertEquals(labels, back.indices("as_i32"));
        assertEquals(labels, back.tensors().get("as_i32").toIndexTensor());
        // Float reading of integer tensors is unchanged: values converted to floats.
        assertArrayEquals(new float[]{Integer.MIN_VALUE, -100, 0, 9, Integer.MAX_VALUE, 3}, back.tensor("as_i64").data());

        var e = assertThrows(IllegalArgumentException.class, () -> back.indices("floats"));
        assertTrue(e.getMessage().startsWith("tensor 'floats': a F32 tensor [1] holds floats, not indices"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> back.indices("absent"));
        assertEquals("no tensor 'absent'; there are [as_i64, as_i32, floats]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> StoredTensor.of(labels, DType.I16));
        assertEquals("index tensors are stored as I64 or I32, not I16", e.getMessage());
    }

    @Test
    void i64ValuesBeyondInt32AreRefusedAsIndicesNamingValueAndPosition() throws IOException {
        Path file = dir.resolve("big.safetensors");
        new SafeTensors(Map.of("ids", StoredTensor.i64(new long[]{1, 2, 3, 1L << 40}, 2, 2))).write(file);
        SafeTensors back = SafeTensors.read(file);
        var e = assertThrows(IllegalArgumentException.class, () -> back.indices("ids"));
        assertEquals("tensor 'ids': I64 value 1099511627776 at [1, 1] of [2, 2] is outside the int32 range of an "
                + "IndexTensor [-2147483648, 2147483647]", e.getMessage());
        // Writing such a value as I32 is refused before the file is touched.
        Path i32 = dir.resolve("i32.safetensors");
        e = assertThrows(IllegalArgumentException.class, () -> new SafeTensors(Map.of("ids",
                new StoredTensor(DType.I32, new int[]{2}, null, new long[]{5, -(1L << 33)}))).write(i32));
        assertEquals("tensor 'ids' is I32 but element 1 is -8589934592, outside the int32 range", e.getMessage());
        assertFalse(Files.exists(i32));
    }

    @Test
    void roundTripKeepsOrderValuesAndMetadataBitForBit() throws IOException {
        float[] special = {
                Float.NaN,
                Float.intBitsToFloat(0x7FC01234), // quiet NaN with a payload
                Float.intBitsToFloat(0xFFC00000), // negative NaN
                -0.0f, 0.0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
                Float.MIN_VALUE, -Float.MAX_VALUE, 1.0f / 3.0f};
        float[] random = new float[3 * 5 * 7];
        SplittableRandom rng = new SplittableRandom(1);
        for (int i = 0; i < random.length; i++) {
            random[i] = (float) rng.nextGaussian();
        }
        var tensors = new LinkedHashMap<String, StoredTensor>();
        tensors.put("zeta.weight", StoredTensor.f32(random, 3, 5, 7));
        tensors.put("special", StoredTensor.f32(special, 2, 5));
        tensors.put("labels", StoredTensor.i64(new long[]{Long.MIN_VALUE, -1, 0, 9, Long.MAX_VALUE}, 5));
        tensors.put("scalar", StoredTensor.f32(new float[]{42.5f}));
        tensors.put("empty", StoredTensor.f32(new float[0], 0, 3));
        tensors.put("odd count", StoredTensor.i64(new long[]{7}, 1, 1));
        tensors.put("näme \"quoted\" <&> \u2028", StoredTensor.f32(new float[]{1, 2}, 2));
        var metadata = new LinkedHashMap<String, String>();
        metadata.put("format", "pt");
        metadata.put("epoch", "3");
        metadata.put("note", "ünïcödé \"quotes\" \\ <html> \n newline");

        Path file = dir.resolve("model.safetensors");
        new SafeTensors(tensors, metadata).write(file);
        SafeTensors back = SafeTensors.read(file);

        assertEquals(List.copyOf(tensors.keySet()), List.copyOf(back.tensors().keySet()));
        assertEquals(tensors, back.tensors());
        assertEquals(metadata, back.metadata());
        float[] specialBack = back.tensors().get("special").floats();
        for (int i = 0; i < special.length; i++) {
            assertEquals(Float.floatToRawIntBits(special[i]), Float.floatToRawIntBits(specialBack[i]), "element " + i);
        }
        assertArrayEquals(new int[]{3, 5, 7}, back.tensors().get("zeta.weight").shape());
        assertArrayEquals(new int[]{}, back.tensors().get("scalar").shape());
        assertArrayEquals(new int[]{0, 3}, back.tensors().get("empty").shape());
    }

    @Test
    void tensorsConvertBothWays() throws IOException {
        var tensors = new LinkedHashMap<String, Tensor>();
        tensors.put("fc.weight", Tensor.of(new float[]{1, 2, 3, 4, 5, 6}, 2, 3));
        tensors.put("fc.bias", Tensor.of(new float[]{-1, 1}, 2));
        Path file = dir.resolve("state.safetensors");
        SafeTensors.ofTensors(tensors, Map.of("epoch", "1")).write(file);
        SafeTensors st = SafeTensors.read(file);
        var back = st.toTensors();
        assertEquals(List.of("fc.weight", "fc.bias"), List.copyOf(back.keySet()));
        assertArrayEquals(new int[]{2, 3}, back.get("fc.weight").shape());
        assertArrayEquals(tensors.get("fc.weight").data(), back.get("fc.weight").data());
        assertArrayEquals(new float[]{-1, 1}, back.get("fc.bias").data());

        Tensor labels = StoredTensor.i64(new long[]{3, 0, 9}, 3).toTensor();
        assertArrayEquals(new float[]{3, 0, 9}, labels.data());
        assertArrayEquals(new int[]{3}, labels.shape());
    }

    @Test
    void storedTensorEqualityIsBitwise() {
        var nan1 = StoredTensor.f32(new float[]{Float.intBitsToFloat(0x7FC00001)}, 1);
        var nan2 = StoredTensor.f32(new float[]{Float.intBitsToFloat(0x7FC00002)}, 1);
        assertFalse(nan1.equals(nan2));
        assertFalse(StoredTensor.f32(new float[]{0.0f}, 1).equals(StoredTensor.f32(new float[]{-0.0f}, 1)));
        assertEquals(StoredTensor.f32(new float[]{Float.NaN}, 1), StoredTensor.f32(new float[]{Float.NaN}, 1));
        assertFalse(StoredTensor.f32(new float[]{1, 2}, 2).equals(StoredTensor.f32(new float[]{1, 2}, 1, 2)));
    }

    @Test
    void writesTheExactStandardLayout() throws IOException {
        var tensors = new LinkedHashMap<String, StoredTensor>();
        tensors.put("a", StoredTensor.f32(new float[]{1.0f, -2.0f}, 2));
        tensors.put("b", StoredTensor.i64(new long[]{258}));
        Path file = dir.resolve("layout.safetensors");
        new SafeTensors(tensors, Map.of("k", "v")).write(file);
        byte[] bytes = Files.readAllBytes(file);

        String json = "{\"__metadata__\":{\"k\":\"v\"},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[8,16]}}";
        int padded = (json.length() + 7) / 8 * 8;
        ByteBuffer expected = ByteBuffer.allocate(8 + padded + 16).order(ByteOrder.LITTLE_ENDIAN);
        expected.putLong(padded);
        expected.put(json.getBytes(StandardCharsets.US_ASCII));
        while (expected.position() < 8 + padded) {
            expected.put((byte) ' ');
        }
        expected.putFloat(1.0f).putFloat(-2.0f).putLong(258);
        assertArrayEquals(expected.array(), bytes);
        assertEquals(0, (bytes.length - 8 - 16) % 8, "header padded to a multiple of 8");
    }

    @Test
    void headerWithoutMetadataHasNoMetadataKey() throws IOException {
        Path file = dir.resolve("plain.safetensors");
        new SafeTensors(Map.of("x", StoredTensor.f32(new float[]{1}, 1))).write(file);
        String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        assertFalse(text.contains("__metadata__"), text);
        assertTrue(SafeTensors.read(file).metadata().isEmpty());
    }

    @Test
    void writeRejectsDtypesItDoesNotProduceAndReservedNames() {
        var half = new StoredTensor(DType.F16, new int[]{1}, new float[]{1}, null);
        Path file = dir.resolve("never.safetensors");
        var e = assertThrows(IllegalArgumentException.class, () -> new SafeTensors(Map.of("h", half)).write(file));
        assertTrue(e.getMessage().contains("'h'") && e.getMessage().contains("F16"), e.getMessage());
        assertFalse(Files.exists(file));
        assertThrows(IllegalArgumentException.class,
                () -> new SafeTensors(Map.of("__metadata__", StoredTensor.f32(new float[]{1}, 1))));
        assertThrows(IllegalArgumentException.class, () -> StoredTensor.f32(new float[3], 2, 2));
        assertThrows(IllegalArgumentException.class, () -> StoredTensor.f32(new float[0], -1, 0));
    }

    // ---- reading the other dtypes PyTorch may write ----

    @Test
    void readsEveryDtypeConvertingToFloatOrLong() throws IOException {
        ByteBuffer data = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        data.putDouble(-1.5).putDouble(1e-3);            // F64  [0, 16]
        data.putShort((short) 0x3C00).putShort((short) 0xC000); // F16 1, -2   [16, 20]
        data.putShort((short) 0x3F80).putShort((short) 0xC040); // BF16 1, -3  [20, 24]
        data.putInt(-7).putInt(Integer.MAX_VALUE);       // I32  [24, 32]
        data.putShort((short) -300).putShort((short) 5); // I16  [32, 36]
        data.put((byte) -128).put((byte) 127);           // I8   [36, 38]
        data.put((byte) 0xFF).put((byte) 0x01);          // U8   [38, 40]
        data.put((byte) 1).put((byte) 0);                // BOOL [40, 42]
        String header = "{\"d\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]},"
                + "\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[16,20]},"
                + "\"bf\":{\"dtype\":\"BF16\",\"shape\":[1,2],\"data_offsets\":[20,24]},"
                + "\"i32\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[24,32]},"
                + "\"i16\":{\"dtype\":\"I16\",\"shape\":[2],\"data_offsets\":[32,36]},"
                + "\"i8\":{\"dtype\":\"I8\",\"shape\":[2],\"data_offsets\":[36,38]},"
                + "\"u8\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[38,40]},"
                + "\"b\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[40,42]}}";
        Path file = craft("dtypes.safetensors", header, data.array(), 42);
        var t = SafeTensors.read(file).tensors();
        assertArrayEquals(new float[]{-1.5f, 1e-3f}, t.get("d").floats());
        assertArrayEquals(new float[]{1f, -2f}, t.get("h").floats());
        assertArrayEquals(new float[]{1f, -3f}, t.get("bf").floats());
        assertArrayEquals(new long[]{-7, Integer.MAX_VALUE}, t.get("i32").longs());
        assertArrayEquals(new long[]{-300, 5}, t.get("i16").longs());
        assertArrayEquals(new long[]{-128, 127}, t.get("i8").longs());
        assertArrayEquals(new long[]{255, 1}, t.get("u8").longs());
        assertArrayEquals(new long[]{1, 0}, t.get("b").longs());
        assertNull(t.get("u8").floats());
        assertArrayEquals(new float[]{255f, 1f}, t.get("u8").toFloats());
        assertEquals(DType.BF16, t.get("bf").dtype());
    }

    @Test
    void ordersTensorsByDataOffsetWhateverTheHeaderOrder() throws IOException {
        String header = "{\"second\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]},"
                + "\"__metadata__\":{\"a\":\"b\"},"
                + "\"first\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        Path file = craft("order.safetensors", header, new byte[8], 8);
        SafeTensors st = SafeTensors.read(file);
        assertEquals(List.of("first", "second"), List.copyOf(st.tensors().keySet()));
        assertEquals(Map.of("a", "b"), st.metadata());
    }

    @Test
    void readsAFileWithOnlyEmptyTensors() throws IOException {
        Path file = craft("empty.safetensors",
                "{\"e\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},\"__metadata__\":null}", new byte[0], 0);
        SafeTensors st = SafeTensors.read(file);
        assertEquals(0, st.tensors().get("e").numel());
        assertTrue(st.metadata().isEmpty());
    }

    // ---- malformed files ----

    @Test
    void missingFileNamesThePath() {
        Path file = dir.resolve("nope.safetensors");
        var e = assertThrows(NoSuchFileException.class, () -> SafeTensors.read(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void tooShortForTheLengthPrefix() throws IOException {
        Path file = dir.resolve("short.safetensors");
        Files.write(file, new byte[]{1, 2, 3});
        expectFormatError(file, "file is 3 bytes");
    }

    @Test
    void headerLengthPastTheEndOfTheFile() throws IOException {
        Path file = dir.resolve("past.safetensors");
        ByteBuffer b = ByteBuffer.allocate(8 + 10).order(ByteOrder.LITTLE_ENDIAN).putLong(1000);
        Files.write(file, b.array());
        expectFormatError(file, "header length 1000 runs past the end of the file (file is 18 bytes");
    }

    @Test
    void absurdHeaderLength() throws IOException {
        Path file = dir.resolve("huge.safetensors");
        Files.write(file, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1L).array());
        expectFormatError(file, "header length 18446744073709551615 is absurdly large");
        Files.write(file, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(200_000_000L).array());
        expectFormatError(file, "header length 200000000 is absurdly large");
    }

    @Test
    void headerNotJson() throws IOException {
        expectFormatError(craft("trunc.safetensors", "{\"a\":{\"dtype\":", new byte[0], 0), "header is not valid JSON (error at line 1, column");
        expectFormatError(craft("lenient.safetensors", "{a:1}", new byte[0], 0), "header is not valid JSON (error at line 1, column");
        expectFormatError(craft("empty.safetensors", "", new byte[0], 0), "header is not valid JSON (error at line 1, column");
        expectFormatError(craft("array.safetensors", "[1,2]", new byte[0], 0), "header is not a JSON object");
        expectFormatError(craft("trailing.safetensors", "{} {}", new byte[0], 0), "header is not valid JSON (error at line 1, column 5)");
        byte[] badUtf8 = {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'};
        Path file = dir.resolve("utf8.safetensors");
        Files.write(file, concat(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(8).array(), badUtf8));
        expectFormatError(file, "not valid UTF-8");
    }

    @Test
    void offsetsOutOfRange() throws IOException {
        expectFormatError(craft("range.safetensors",
                        "{\"x\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", new byte[8], 8),
                "tensor \"x\" has data_offsets [0, 16] out of range: the data section is 8 bytes");
        expectFormatError(craft("backwards.safetensors",
                        "{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", new byte[8], 8),
                "tensor \"x\" has data_offsets [8, 4]; need 0 <= begin <= end");
        expectFormatError(craft("fraction.safetensors",
                        "{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4.5]}}", new byte[8], 8),
                "4.5 is not an integer");
        expectFormatError(craft("string.safetensors",
                        "{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[\"0\",4]}}", new byte[8], 8),
                "\"0\" is not an integer");
        expectFormatError(craft("three.safetensors",
                        "{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", new byte[8], 8),
                "data_offsets [0,4,8]; expected [begin, end]");
    }

    @Test
    void overlappingOffsets() throws IOException {
        expectFormatError(craft("overlap.safetensors",
                        "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", new byte[12], 12),
                "tensors \"a\" [0, 8] and \"b\" [4, 12] overlap");
    }

    @Test
    void gapsInTheDataSection() throws IOException {
        expectFormatError(craft("gap.safetensors",
                        "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]}}", new byte[20], 20),
                "gap of 4 bytes in the data section before tensor \"b\" [12, 20]");
        expectFormatError(craft("leading.safetensors",
                        "{\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new byte[8], 8),
                "gap of 4 bytes in the data section before tensor \"b\" [4, 8]");
        expectFormatError(craft("tail.safetensors",
                        "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", new byte[12], 12),
                "data section is 12 bytes but the tensors cover only the first 8 (4 trailing bytes)");
    }

    @Test
    void unknownDtype() throws IOException {
        expectFormatError(craft("dtype.safetensors",
                        "{\"x\":{\"dtype\":\"F8_E4M3\",\"shape\":[1],\"data_offsets\":[0,1]}}", new byte[8], 8),
                "tensor \"x\" has unknown or unsupported dtype \"F8_E4M3\"");
        expectFormatError(craft("lower.safetensors",
                        "{\"x\":{\"dtype\":\"f32\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[8], 8),
                "dtype \"f32\"");
        expectFormatError(craft("nodtype.safetensors",
                        "{\"x\":{\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[8], 8),
                "tensor \"x\" has no string \"dtype\"");
    }

    @Test
    void shapeSizeMismatch() throws IOException {
        expectFormatError(craft("size.safetensors",
                        "{\"x\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", new byte[8], 8),
                "tensor \"x\": shape [3] of F32 needs 12 bytes but data_offsets [0, 8] span 8");
        expectFormatError(craft("i64size.safetensors",
                        "{\"x\":{\"dtype\":\"I64\",\"shape\":[2,2],\"data_offsets\":[0,8]}}", new byte[8], 8),
                "shape [2, 2] of I64 needs 32 bytes");
        expectFormatError(craft("overflow.safetensors",
                        "{\"x\":{\"dtype\":\"F32\",\"shape\":[2147483647,2147483647,2147483647],\"data_offsets\":[0,8]}}",
                        new byte[8], 8),
                "needs more than 9223372036854775807 bytes");
    }

    @Test
    void negativeDimensions() throws IOException {
        expectFormatError(craft("neg.safetensors",
                        "{\"x\":{\"dtype\":\"F32\",\"shape\":[-1,2],\"data_offsets\":[0,8]}}", new byte[8], 8),
                "tensor \"x\" has negative dimension -1 in shape [-1,2]");
    }

    @Test
    void duplicateNamesAndBadMetadata() throws IOException {
        expectFormatError(craft("dup.safetensors",
                        "{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                                + "\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new byte[8], 8),
                "header has the key \"x\" twice");
        expectFormatError(craft("meta.safetensors",
                        "{\"__metadata__\":{\"epoch\":3},\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
                        new byte[8], 4),
                "\"__metadata__\" value for key \"epoch\" is not a string: 3");
        expectFormatError(craft("notobject.safetensors", "{\"x\":[1,2]}", new byte[0], 0),
                "tensor \"x\" is not an object");
    }

    // ---- helpers ----

    /** A file with the given header (padded to 8) followed by the first {@code dataLength} bytes of data. */
    private Path craft(String name, String header, byte[] data, int dataLength) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        int padded = (h.length + 7) / 8 * 8;
        ByteBuffer b = ByteBuffer.allocate(8 + padded + dataLength).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(padded).put(h);
        while (b.position() < 8 + padded) {
            b.put((byte) ' ');
        }
        b.put(data, 0, dataLength);
        Path file = dir.resolve(name);
        Files.write(file, b.array());
        return file;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static void expectFormatError(Path file, String expectedFragment) {
        var e = assertThrows(SafeTensorsFormatException.class, () -> SafeTensors.read(file));
        assertTrue(e.getMessage().startsWith(file + ": "), "message names the file: " + e.getMessage());
        assertTrue(e.getMessage().contains(expectedFragment),
                "expected \"" + expectedFragment + "\" in: " + e.getMessage());
        assertEquals(file, e.file());
    }
}
