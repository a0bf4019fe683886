package org.tandemrec.base;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a directory a process writes, held on its {@value #FILE_NAME} file with
 * the operating system's file lock ({@link FileChannel#tryLock()}), so two processes never write
 * one run directory at once. The lock lives as long as the holder keeps it open: it is released
 * by {@link #close()}, and by the operating system when the process ends in any way (a crash or
 * SIGKILL included), so a stale {@value #FILE_NAME} file left behind never blocks a later run —
 * only a live holder does.
 */
public final class DirectoryLock implements AutoCloseable {
    /** The lock file's name inside the directory. */
    public static final String FILE_NAME = ".lock";
    /**
     * Lock files this JVM holds: a second channel on one of them is never opened, since closing
     * it would drop the process's lock on the file on POSIX systems (see {@link FileLock}).
     */
    private static final java.util.Set<Path> HELD = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final Path file;
    private final boolean created;
    private final FileChannel channel;
    private final FileLock lock;

    private DirectoryLock(Path file, boolean created, FileChannel channel, FileLock lock) {
        this.file = file;
        this.created = created;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Creates {@code dir} when missing and takes its lock, or refuses in one line when another
     * holder (another process, or another part of this one) has it, or when the directory cannot
     * be created or written (so a command fails at once, before any work).
     */
    public static DirectoryLock acquire(Path dir) throws IOException {
        boolean created = !Files.exists(dir);
        Path file;
        try {
            Files.createDirectories(dir);
            file = dir.toRealPath().resolve(FILE_NAME);
        } catch (FileSystemException e) {
            throw unwritable(dir, e);
        }
        if (!HELD.add(file)) {
            throw busy(dir);
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (FileSystemException e) {
            HELD.remove(file);
            throw unwritable(dir, e);
        } catch (IOException | RuntimeException e) {
            HELD.remove(file);
            throw e;
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException heldHere) {
            // A lock this JVM took otherwise (the operating system would grant it again to the same process).
            lock = null;
        } catch (IOException | RuntimeException e) {
            channel.close();
            HELD.remove(file);
            throw e;
        }
        if (lock == null) {
            channel.close();
            HELD.remove(file);
            throw busy(dir);
        }
        return new DirectoryLock(file, created, channel, lock);
    }

    /** The directory cannot be created or written: said at once, before any work. */
    private static UnusableFileException unwritable(Path dir, FileSystemException e) {
        String why = e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                : e instanceof java.nio.file.FileAlreadyExistsException ? e.getFile() + " exists and is not a directory"
                : e.getReason() == null ? String.valueOf(e.getFile())
                : (dir.toString().equals(e.getFile()) ? "" : e.getFile() + ": ") + e.getReason().toLowerCase(java.util.Locale.ROOT);
        return new UnusableFileException(dir + ": cannot write the run directory here (" + why + ")");
    }

    private static UnusableFileException busy(Path dir) {
        return new UnusableFileException(dir + " is being written by another tandem process (lock "
                + dir.resolve(FILE_NAME) + ")");
    }

    /**
     * Releases the lock. The file stays (harmless: only a held lock refuses), except in a
     * directory this lock created and nothing else was written to: a run refused before its
     * first file leaves no directory behind.
     */
    @Override
    public void close() throws IOException {
        if (!channel.isOpen()) {
            return;
        }
        try {
            if (created && lock.isValid() && onlyTheLockFile()) {
                Files.deleteIfExists(file);
                Files.deleteIfExists(file.getParent());
            }
        } catch (IOException e) {
            // an empty directory left behind is harmless
        }
        try {
            if (lock.isValid()) {
                lock.release();
            }
        } finally {
            try {
                channel.close();
            } finally {
                HELD.remove(file);
            }
        }
    }

    private boolean onlyTheLockFile() throws IOException {
        try (var entries = Files.list(file.getParent())) {
            return entries.allMatch(file::equals);
        }
    }
}
