package org.tandemrec.base;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.SyncFailedException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes a file so that readers see either the old content or the complete new one: the bytes
 * go to a temporary file in the same directory, are forced to disk, and the file is then moved
 * into place. A crash leaves at worst a stray {@code .tmp} file, never a truncated output; a
 * failed write (the disk full, say) removes its temporary file and leaves the previous content
 * as it was. The operating system's own words for a failed write ("No space left on device")
 * name no file, so they come back as a {@link FileSystemException} naming the target.
 *
 * <p>The system property {@value #PAUSE_PROPERTY} (milliseconds) holds every write open between
 * its bytes and its move into place, so that crash tests can kill a process inside a write.
 */
public final class AtomicFile {
    /** Milliseconds each write waits with its temporary file complete and not yet moved (crash tests). */
    public static final String PAUSE_PROPERTY = "tandem.atomic-write.pause-ms";

    private AtomicFile() {
    }

    /** Content producer that may fail with an I/O error. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    public static void write(Path target, Writer content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        boolean done = false;
        try {
            try (var fos = new FileOutputStream(tmp.toFile());
                 var out = new BufferedOutputStream(fos, 1 << 16)) {
                content.write(out);
                out.flush();
                fos.getFD().sync();
            } catch (IOException e) {
                throw named(target, e);
            }
            pause();
            // Temporary files are created owner-only; the output should read like any other file.
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: keep its defaults
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** {@code e} naming {@code target} when it names no file (a plain I/O error of the system). */
    private static IOException named(Path target, IOException e) {
        if (e.getClass() != IOException.class && !(e instanceof SyncFailedException)) {
            return e; // a writer's own error, or one that already names its file
        }
        String reason = (e.getMessage() == null || e.getMessage().isBlank() ? "input/output error" : e.getMessage())
                + (Files.exists(target) ? " (not written: the previous version is unchanged)" : " (not written)");
        FileSystemException named = new FileSystemException(target.toString(), null, reason);
        named.initCause(e);
        return named;
    }

    private static void pause() throws IOException {
        long ms = Long.getLong(PAUSE_PROPERTY, 0);
        if (ms > 0) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while writing " + ms);
            }
        }
    }

    public static void writeString(Path target, String text) throws IOException {
        write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }
}
