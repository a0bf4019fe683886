package org.tandemrec.eval;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import org.tandemrec.base.AtomicFile;
import org.tandemrec.base.Directories;
import org.tandemrec.base.DirectoryLock;

/**
 * A run directory that appears only when complete: a run is written into a hidden sibling
 * {@code .NAME.partial} and renamed to {@code NAME} by {@link #publish()}. A crash leaves the
 * partial directory (plainly named so) and never a half-written run that looks finished; an
 * earlier run of the same name is replaced only at publication.
 *
 * <p>Every command that writes a run directory in place (and {@link #publish()} for those
 * written aside) ends with the completion marker {@value #COMPLETE}, written atomically after
 * everything else, so readers ({@code tandem eval}, {@code report}, {@code serve}) can refuse a
 * run that was interrupted whatever files it happens to hold. The partial directory is locked
 * ({@link DirectoryLock}) from {@link #begin} to {@link #close()}, so a second process writing
 * the same run is refused instead of clearing the first one's files.
 */
public final class RunDirectory implements AutoCloseable {
    /** The completion marker's file name: present only in a run directory that finished. */
    public static final String COMPLETE = "COMPLETE";
    private final Path target;
    private final Path partial;
    private final DirectoryLock lock;
    private boolean published;

    private RunDirectory(Path target, Path partial, DirectoryLock lock) {
        this.target = target;
        this.partial = partial;
        this.lock = lock;
    }

    /**
     * Starts a run that will be published at {@code target}: locks the partial directory, then
     * clears what a stale partial run left in it.
     */
    public static RunDirectory begin(Path target) throws IOException {
        Path abs = target.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        Files.createDirectories(parent);
        Path partial = parent.resolve("." + abs.getFileName() + ".partial");
        DirectoryLock lock = DirectoryLock.acquire(partial);
        try (Stream<Path> stale = Files.list(partial)) {
            for (Path p : stale.filter(p -> !p.getFileName().toString().equals(DirectoryLock.FILE_NAME)).toList()) {
                Directories.deleteTree(p);
            }
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
        return new RunDirectory(abs, partial, lock);
    }

    /** Releases the run's lock (published or not; again: nothing). */
    @Override
    public void close() throws IOException {
        lock.close();
    }

    /** Where the run's files are written until publication. */
    public Path dir() {
        if (published) {
            return target;
        }
        return partial;
    }

    /** Where the run will be (or is) published. */
    public Path target() {
        return target;
    }

    /** Writes the completion marker of {@code dir}: call it once everything else is written. */
    public static void markComplete(Path dir) throws IOException {
        AtomicFile.writeString(dir.resolve(COMPLETE), "{\"complete\": true}\n");
    }

    /** Removes the marker before a run is written again in place, so it never looks finished midway. */
    public static void clearComplete(Path dir) throws IOException {
        Files.deleteIfExists(dir.resolve(COMPLETE));
    }

    /** Whether {@code dir} carries the completion marker. */
    public static boolean isComplete(Path dir) {
        return Files.isRegularFile(dir.resolve(COMPLETE));
    }

    /** Marks the run complete and moves it into place, replacing an earlier run of the same name. */
    public void publish() throws IOException {
        if (published) {
            return;
        }
        markComplete(partial);
        Path old = target.resolveSibling("." + target.getFileName() + ".old");
        Directories.deleteTree(old);
        if (Files.exists(target)) {
            Files.move(target, old);
        }
        try {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(partial, target);
        }
        Directories.deleteTree(old);
        published = true;
        // Complete and in place: nothing more is written, so a next run of the same name may begin.
        lock.close();
    }
}
