package io.isthmus.io;

import io.isthmus.tensor.IndexTensor;
import io.isthmus.tensor.Tensor;

import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.SequencedMap;

/**
 * The contents of a safetensors file: named tensors in order plus the {@code __metadata__}
 * string map. Reads what PyTorch's {@code safetensors} writes and writes what it reads
 * (format: <a href="https://github.com/huggingface/safetensors">huggingface/safetensors</a>).
 *
 * <pre>{@code
 * SafeTensors st = SafeTensors.read(Path.of("model.safetensors"));
 * float[] w = st.tensors().get("weight").floats();
 * new SafeTensors(tensors, Map.of("epoch", "3")).write(Path.of("ckpt.safetensors"));
 *
 * SafeTensors.ofTensors(model.stateDict(), Map.of()).write(Path.of("model.safetensors"));
 * model.loadStateDict(SafeTensors.read(Path.of("model.safetensors")).toTensors());
 * }</pre>
 *
 * @param tensors  name to tensor, in file order (ascending data offset); unmodifiable
 * @param metadata the {@code __metadata__} entries, empty if the file has none; unmodifiable
 */
public record SafeTensors(SequencedMap<String, StoredTensor> tensors, SequencedMap<String, String> metadata) {

    /** The name the format reserves for the metadata entry of the header. */
    public static final String METADATA_KEY = "__metadata__";

    public SafeTensors {
        Objects.requireNonNull(tensors, "tensors");
        Objects.requireNonNull(metadata, "metadata");
        tensors = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(tensors));
        metadata = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(metadata));
        for (var e : tensors.entrySet()) {
            Objects.requireNonNull(e.getKey(), "tensor name");
            Objects.requireNonNull(e.getValue(), () -> "tensor '" + e.getKey() + "'");
            if (e.getKey().equals(METADATA_KEY)) {
                throw new IllegalArgumentException("'" + METADATA_KEY + "' is reserved for metadata, not a tensor name");
            }
        }
        for (var e : metadata.entrySet()) {
            Objects.requireNonNull(e.getKey(), "metadata key");
            Objects.requireNonNull(e.getValue(), () -> "metadata value for '" + e.getKey() + "'");
        }
    }

    /** Tensors without metadata. Iteration order of {@code tensors} is kept. */
    public SafeTensors(Map<String, StoredTensor> tensors) {
        this(new LinkedHashMap<>(tensors), new LinkedHashMap<>());
    }

    /** Tensors and metadata; iteration order of both maps is kept. */
    public SafeTensors(Map<String, StoredTensor> tensors, Map<String, String> metadata) {
        this(new LinkedHashMap<>(tensors), new LinkedHashMap<>(metadata));
    }

    /**
     * F32 tensors sharing the storage of {@code tensors} (e.g. a module's {@code stateDict()}),
     * in map order, plus {@code metadata}.
     */
    public static SafeTensors ofTensors(Map<String, Tensor> tensors, Map<String, String> metadata) {
        var stored = new LinkedHashMap<String, StoredTensor>();
        tensors.forEach((name, t) -> stored.put(name, StoredTensor.of(t)));
        return new SafeTensors(stored, metadata);
    }

    /** Every tensor as a float32 {@link Tensor} (see {@link StoredTensor#toTensor()}), in file order. */
    public SequencedMap<String, Tensor> toTensors() {
        var out = new LinkedHashMap<String, Tensor>();
        tensors.forEach((name, t) -> out.put(name, t.toTensor()));
        return out;
    }

    /** Tensor {@code name} as a float32 {@link Tensor} (integer dtypes converted); the error lists the names there are. */
    public Tensor tensor(String name) {
        return stored(name).toTensor();
    }

    /**
     * Tensor {@code name}, of an integer dtype (I64 as PyTorch writes labels, I32, ...), as an
     * {@link IndexTensor}; fails naming the tensor if it is a float dtype or a value does not fit in an int.
     */
    public IndexTensor indices(String name) {
        StoredTensor t = stored(name);
        try {
            return t.toIndexTensor();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("tensor '" + name + "': " + e.getMessage(), e);
        }
    }

    private StoredTensor stored(String name) {
        StoredTensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no tensor '" + name + "'; there are " + tensors.keySet());
        }
        return t;
    }

    /**
     * Reads and validates a whole safetensors file.
     *
     * @throws java.nio.file.NoSuchFileException if {@code file} does not exist (names the path)
     * @throws SafeTensorsFormatException        if the file is malformed (names the file and problem)
     */
    public static SafeTensors read(Path file) throws IOException {
        return SafeTensorsReader.read(file);
    }

    /**
     * Writes this to {@code file} atomically (temp file, fsync, rename), so a crash never leaves
     * a half-written file under that name. Tensors must be F32, I64 or I32.
     */
    public void write(Path file) throws IOException {
        SafeTensorsWriter.checkWritable(this);
        AtomicFiles.write(file, channel -> SafeTensorsWriter.write(this, channel));
    }

    /** Writes this in the safetensors format to {@code channel}. Tensors must be F32, I64 or I32. */
    public void writeTo(WritableByteChannel channel) throws IOException {
        SafeTensorsWriter.checkWritable(this);
        SafeTensorsWriter.write(this, channel);
    }
}
