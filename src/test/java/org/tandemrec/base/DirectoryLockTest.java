package org.tandemrec.base;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryLockTest {
    @TempDir
    Path tmp;

    @Test
    void oneHolderAtATimeAndTheLockGoesWithItsHolder() throws Exception {
        Path dir = tmp.resolve("run");
        try (DirectoryLock held = DirectoryLock.acquire(dir)) {
            assertTrue(Files.isRegularFile(dir.resolve(".lock")));
            UnusableFileException e = assertThrows(UnusableFileException.class, () -> DirectoryLock.acquire(dir));
            assertEquals(dir + " is being written by another tandem process (lock " + dir.resolve(".lock") + ")",
                    e.getMessage());
            Files.writeString(dir.resolve("model.bin"), "x");
        }
        // The file stays behind (as after a crash); without a holder it refuses no one.
        assertTrue(Files.isRegularFile(dir.resolve(".lock")));
        try (DirectoryLock again = DirectoryLock.acquire(dir)) {
            assertTrue(Files.isRegularFile(dir.resolve("model.bin")), "the directory's files are untouched");
        }
    }

    @Test
    void aLockTakenOtherwiseInThisJvmRefusesToo() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("run"));
        try (FileChannel ch = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = ch.lock()) {
            UnusableFileException e = assertThrows(UnusableFileException.class, () -> DirectoryLock.acquire(dir));
            assertTrue(e.getMessage().endsWith("is being written by another tandem process (lock " + dir.resolve(".lock")
                    + ")"), e.getMessage());
        }
        DirectoryLock.acquire(dir).close();
    }

    @Test
    void aDirectoryTheLockCreatedAndNothingWroteToIsRemoved() throws Exception {
        Path dir = tmp.resolve("a/b");
        DirectoryLock.acquire(dir).close();
        assertFalse(Files.exists(dir), "a run refused before its first file leaves no directory");
        Path existing = Files.createDirectories(tmp.resolve("existing"));
        DirectoryLock.acquire(existing).close();
        assertTrue(Files.isDirectory(existing), "a directory that was there stays");
    }

    @Test
    void aDirectoryThatCannotBeWrittenIsRefusedAtOnce() throws Exception {
        Path file = Files.writeString(tmp.resolve("file"), "not a directory");
        UnusableFileException e = assertThrows(UnusableFileException.class, () -> DirectoryLock.acquire(file.resolve("run")));
        assertEquals(file.resolve("run") + ": cannot write the run directory here (not a directory)", e.getMessage());
        Path readOnly = Files.createDirectories(tmp.resolve("read-only"));
        readOnly.toFile().setWritable(false, false);
        try {
            org.junit.jupiter.api.Assumptions.assumeFalse(Files.isWritable(readOnly), "running as root: permissions do not bind");
            e = assertThrows(UnusableFileException.class, () -> DirectoryLock.acquire(readOnly));
            assertEquals(readOnly + ": cannot write the run directory here (permission denied)", e.getMessage());
        } finally {
            readOnly.toFile().setWritable(true, false);
        }
    }
}
