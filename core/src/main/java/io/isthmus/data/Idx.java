package io.isthmus.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reader for IDX files of unsigned bytes, the format of MNIST and Fashion-MNIST: a big-endian
 * magic number {@code 0x0000TTNN} (type TT = 0x08 for unsigned byte, NN dimensions), NN
 * big-endian int32 sizes, then the data. Files may be gzip-compressed; that is detected from
 * the content (bytes 1f 8b), not the name.
 */
public final class Idx {

    /** Magic of an images file: unsigned bytes, 3 dimensions [N, H, W]. */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic of a labels file: unsigned bytes, 1 dimension [N]. */
    public static final int LABELS_MAGIC = 0x00000801;

    private static final int UNSIGNED_BYTE = 0x08;

    private Idx() {
    }

    /** Reads an images file ({@code *-images-idx3-ubyte[.gz]}). */
    public static IdxImages readImages(Path file) throws IOException {
        Contents c = read(file, IMAGES_MAGIC, "images");
        return new IdxImages(c.dims[0], c.dims[1], c.dims[2], c.data);
    }

    /** Reads a labels file ({@code *-labels-idx1-ubyte[.gz]}). */
    public static IdxLabels readLabels(Path file) throws IOException {
        Contents c = read(file, LABELS_MAGIC, "labels");
        return new IdxLabels(c.dims[0], c.data);
    }

    private record Contents(int[] dims, byte[] data) {
    }

    private static Contents read(Path file, int expectedMagic, String kind) throws IOException {
        boolean gzip;
        try (InputStream raw = new BufferedInputStream(openExisting(file), 1 << 16)) {
            raw.mark(2);
            gzip = raw.read() == 0x1F && raw.read() == 0x8B;
            raw.reset();
            InputStream in = gzip ? new GZIPInputStream(raw, 1 << 16) : raw;
            return parse(file, new DataInputStream(in), expectedMagic, kind, gzip);
        } catch (ZipException e) {
            throw new IdxFormatException(file, "corrupt gzip data: " + e.getMessage(), e);
        } catch (EOFException e) {
            // GZIPInputStream reports a compressed stream cut short this way; parse() catches its own EOFs
            throw new IdxFormatException(file, "truncated gzip data (the compressed file is cut short): "
                    + e.getMessage(), e);
        }
    }

    private static InputStream openExisting(Path file) throws IOException {
        try {
            return Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no such IDX file");
        }
    }

    private static Contents parse(Path file, DataInputStream in, int expectedMagic, String kind, boolean gzip)
            throws IOException {
        String decompressed = gzip ? " (decompressed)" : "";
        int expectedDims = expectedMagic & 0xFF;
        int headerBytes = 4 + 4 * expectedDims;
        int magic;
        try {
            magic = in.readInt();
        } catch (EOFException e) {
            throw new IdxFormatException(file, "truncated: file" + decompressed + " ends before the 4-byte magic number");
        }
        if (magic != expectedMagic) {
            throw new IdxFormatException(file, String.format("bad magic 0x%08X, expected 0x%08X (%s)%s",
                    magic, expectedMagic, kind, magicHint(magic)));
        }
        int[] dims = new int[expectedDims];
        for (int i = 0; i < expectedDims; i++) {
            try {
                dims[i] = in.readInt();
            } catch (EOFException e) {
                throw new IdxFormatException(file, "truncated: file" + decompressed + " ends inside the "
                        + headerBytes + "-byte header");
            }
            if (dims[i] < 0) {
                throw new IdxFormatException(file, "header has negative dimension " + dims[i]
                        + " (read as signed int32)");
            }
        }
        String dimsText = dimsText(dims);
        long size = 1;
        for (int d : dims) {
            size *= d;
        }
        if (size > Integer.MAX_VALUE - 8) {
            throw new IdxFormatException(file, "header says " + dimsText + " = " + size
                    + " bytes, more than a Java array holds");
        }
        byte[] data = new byte[(int) size];
        int got = in.readNBytes(data, 0, data.length);
        if (got < data.length) {
            throw new IdxFormatException(file, "truncated: header says " + dimsText + " = " + size
                    + " bytes, file has " + got + decompressed + " after the " + headerBytes + "-byte header");
        }
        long extra = in.transferTo(OutputStream.nullOutputStream());
        if (extra > 0) {
            throw new IdxFormatException(file, "header says " + dimsText + " = " + size + " bytes, but the file"
                    + decompressed + " has " + extra + " more bytes after them");
        }
        return new Contents(dims, data);
    }

    private static String magicHint(int magic) {
        if (magic == IMAGES_MAGIC) {
            return "; this is an images file";
        }
        if (magic == LABELS_MAGIC) {
            return "; this is a labels file";
        }
        if ((magic >>> 16) == 0 && ((magic >>> 8) & 0xFF) != UNSIGNED_BYTE) {
            return String.format("; element type 0x%02X is not unsigned byte (0x08)", (magic >>> 8) & 0xFF);
        }
        if ((magic >>> 16) == 0x1F8B) {
            return "; the file looks gzip-compressed twice";
        }
        return "";
    }

    private static String dimsText(int[] dims) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < dims.length; i++) {
            sb.append(i == 0 ? "" : "x").append(dims[i]);
        }
        return sb.toString();
    }
}
