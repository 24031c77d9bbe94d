package io.isthmus.io;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonWriter;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Serializes {@link SafeTensors} in the standard layout: 8-byte little-endian header length,
 * JSON header padded with spaces to a multiple of 8 (as the Rust implementation pads, so the
 * data section starts 8-byte aligned), then the tensors' little-endian bytes back to back in
 * map order.
 */
final class SafeTensorsWriter {

    private static final int CHUNK_BYTES = 1 << 16;

    private SafeTensorsWriter() {
    }

    /** Rejects dtypes the writer does not produce, before any file is touched. */
    static void checkWritable(SafeTensors st) {
        for (var e : st.tensors().entrySet()) {
            DType d = e.getValue().dtype();
            if (d != DType.F32 && d != DType.I64 && d != DType.I32) {
                throw new IllegalArgumentException("tensor '" + e.getKey() + "' has dtype " + d
                        + "; safetensors writing supports F32, I64 and I32 only");
            }
            if (d == DType.I32) {
                long[] values = e.getValue().longs();
                for (int i = 0; i < values.length; i++) {
                    if (values[i] != (int) values[i]) {
                        throw new IllegalArgumentException("tensor '" + e.getKey() + "' is I32 but element " + i
                                + " is " + values[i] + ", outside the int32 range");
                    }
                }
            }
        }
    }

    static void write(SafeTensors st, WritableByteChannel channel) throws IOException {
        byte[] header = paddedHeader(st);
        ByteBuffer buf = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(header.length);
        buf.flip();
        writeFully(channel, buf);
        writeFully(channel, ByteBuffer.wrap(header));
        for (StoredTensor t : st.tensors().values()) {
            switch (t.dtype()) {
                case F32 -> writeFloats(channel, t.floats(), buf);
                case I32 -> writeInts(channel, t.longs(), buf);
                default -> writeLongs(channel, t.longs(), buf);
            }
        }
    }

    /** The JSON header as UTF-8, padded with spaces to a multiple of 8 bytes. */
    static byte[] paddedHeader(SafeTensors st) {
        StringWriter text = new StringWriter();
        try (JsonWriter json = new JsonWriter(text)) {
            json.setStrictness(Strictness.STRICT);
            json.setHtmlSafe(false);
            json.beginObject();
            // Metadata first, like the Rust implementation; omitted when empty, as there.
            if (!st.metadata().isEmpty()) {
                json.name(SafeTensors.METADATA_KEY).beginObject();
                for (Map.Entry<String, String> e : st.metadata().entrySet()) {
                    json.name(e.getKey()).value(e.getValue());
                }
                json.endObject();
            }
            long offset = 0;
            for (Map.Entry<String, StoredTensor> e : st.tensors().entrySet()) {
                StoredTensor t = e.getValue();
                long bytes = (long) t.numel() * t.dtype().byteSize();
                json.name(e.getKey()).beginObject();
                json.name("dtype").value(t.dtype().name());
                json.name("shape").beginArray();
                for (int d : t.shape()) {
                    json.value(d);
                }
                json.endArray();
                json.name("data_offsets").beginArray().value(offset).value(offset + bytes).endArray();
                json.endObject();
                offset += bytes;
            }
            json.endObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to a StringWriter cannot fail", e);
        }
        byte[] utf8 = text.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (utf8.length + 7) & ~7;
        byte[] out = new byte[padded];
        System.arraycopy(utf8, 0, out, 0, utf8.length);
        for (int i = utf8.length; i < padded; i++) {
            out[i] = ' ';
        }
        return out;
    }

    private static void writeFloats(WritableByteChannel channel, float[] data, ByteBuffer buf) throws IOException {
        int perChunk = buf.capacity() / Float.BYTES;
        for (int i = 0; i < data.length; i += perChunk) {
            int n = Math.min(perChunk, data.length - i);
            buf.clear();
            buf.asFloatBuffer().put(data, i, n); // raw bits: NaN payloads survive
            buf.limit(n * Float.BYTES);
            writeFully(channel, buf);
        }
    }

    private static void writeLongs(WritableByteChannel channel, long[] data, ByteBuffer buf) throws IOException {
        int perChunk = buf.capacity() / Long.BYTES;
        for (int i = 0; i < data.length; i += perChunk) {
            int n = Math.min(perChunk, data.length - i);
            buf.clear();
            buf.asLongBuffer().put(data, i, n);
            buf.limit(n * Long.BYTES);
            writeFully(channel, buf);
        }
    }

    /** I32 elements held as longs; checkWritable made sure each fits. */
    private static void writeInts(WritableByteChannel channel, long[] data, ByteBuffer buf) throws IOException {
        int perChunk = buf.capacity() / Integer.BYTES;
        for (int i = 0; i < data.length; i += perChunk) {
            int n = Math.min(perChunk, data.length - i);
            buf.clear();
            for (int j = 0; j < n; j++) {
                buf.putInt((int) data[i + j]);
            }
            buf.flip();
            writeFully(channel, buf);
        }
    }

    private static void writeFully(WritableByteChannel channel, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
    }
}
