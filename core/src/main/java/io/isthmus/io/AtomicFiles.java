package io.isthmus.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replaces a file atomically: readers see either the old content or the complete new content,
 * never a half-written file, even if the process or machine dies mid-write. Used for
 * checkpoints, which must not be lost by a crash during the save that was meant to protect them.
 *
 * <p>Recipe: write a temporary file in the target's directory (a rename is atomic only within
 * one file system), fsync it, rename it over the target, fsync the directory so the rename
 * itself is durable.
 */
public final class AtomicFiles {

    /** Writes the content of a file to an open channel positioned at 0. */
    @FunctionalInterface
    public interface ContentWriter {
        void writeTo(FileChannel channel) throws IOException;
    }

    private AtomicFiles() {
    }

    /** Atomically replaces (or creates) {@code target} with {@code bytes}. */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, channel -> {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
        });
    }

    /** Creates the directories above {@code file} that do not exist yet, so a first save can go anywhere. */
    public static void createParentDirectories(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
    }

    /**
     * Atomically replaces (or creates) {@code target} with what {@code writer} writes. If the
     * writer throws, {@code target} is untouched and the temporary file is deleted.
     */
    public static void write(Path target, ContentWriter writer) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        if (dir == null || absolute.getFileName() == null) {
            throw new IOException(target + ": not a file path");
        }
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "directory for " + target + " does not exist");
        }
        // Not Files.createTempFile: it creates mode 0600, and the final file should get the
        // same permissions any newly created file gets.
        Path temp = dir.resolve("." + absolute.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                writer.writeTo(channel);
                channel.force(true);
            }
            Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (Throwable t) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                t.addSuppressed(e);
            }
            if (t instanceof AtomicMoveNotSupportedException) {
                throw new IOException(target + ": the file system cannot rename atomically; refusing a non-atomic replace", t);
            }
            throw t;
        }
        syncDirectory(dir);
    }

    /** Makes the rename durable. Some platforms (Windows) cannot open a directory; skip there. */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException notSupported) {
            // the rename already happened; durability of the directory entry is best effort
        }
    }
}
