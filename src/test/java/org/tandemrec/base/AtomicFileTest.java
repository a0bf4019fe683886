package org.tandemrec.base;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
    @TempDir
    Path dir;

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static byte[] previous() {
        byte[] b = new byte[100_000];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i * 31);
        }
        return b;
    }

    @Test
    void aWriteThatRunsOutOfSpaceMidwayLeavesThePreviousFileAndNoTemporaryOne() throws IOException {
        Path target = dir.resolve("checkpoint.bin");
        byte[] old = previous();
        AtomicFile.write(target, out -> out.write(old));
        FileSystemException e = assertThrows(FileSystemException.class, () -> AtomicFile.write(target, out -> {
            out.write(new byte[300_000]); // more than the buffer: part of it reaches the temporary file
            throw new IOException("No space left on device");
        }));
        assertArrayEquals(old, Files.readAllBytes(target));
        assertEquals(List.of("checkpoint.bin"), names());
        assertEquals(target.toString(), e.getFile());
        assertEquals(target + ": No space left on device (not written: the previous version is unchanged)", e.getMessage());
    }

    /** The system's own ENOSPC, from a write to {@code /dev/full} inside the writer. */
    @Test
    void aRealNoSpaceErrorIsNamedAndLeavesThePreviousFile() throws IOException {
        Path full = Path.of("/dev/full");
        assumeTrue(Files.isWritable(full), "no /dev/full on this system");
        Path target = dir.resolve("model.safetensors");
        byte[] old = previous();
        AtomicFile.write(target, out -> out.write(old));
        FileSystemException e = assertThrows(FileSystemException.class, () -> AtomicFile.write(target, out -> {
            out.write(new byte[200_000]);
            try (var dev = new FileOutputStream(full.toFile())) {
                dev.write(new byte[4096]);
            }
        }));
        assertEquals("No space left on device (not written: the previous version is unchanged)", e.getReason());
        assertArrayEquals(old, Files.readAllBytes(target));
        assertEquals(List.of("model.safetensors"), names());
    }

    @Test
    void aFirstWriteThatFailsLeavesNothingAndAWritersOwnErrorPassesUnchanged() throws IOException {
        Path target = dir.resolve("new.json");
        FileSystemException e = assertThrows(FileSystemException.class, () -> AtomicFile.write(target, out -> {
            throw new IOException("No space left on device");
        }));
        assertEquals("No space left on device (not written)", e.getReason());
        assertEquals(List.of(), names());
        UnusableFileException own = new UnusableFileException("x: refused");
        assertSame(own, assertThrows(UnusableFileException.class, () -> AtomicFile.write(target, out -> {
            throw own;
        })));
        assertFalse(Files.exists(target));
        assertEquals(List.of(), names());
    }
}
