package org.tandemrec.base;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How many bytes a directory can still take on its file system, asked before a run writes
 * anything, so that one that cannot fit is refused with the figures instead of failing halfway.
 * {@link #SYSTEM} asks the file system; tests give a figure of their own.
 */
@FunctionalInterface
public interface FreeSpace {
    /** The usable bytes where {@code dir} is or would be created. */
    long bytes(Path dir) throws IOException;

    /**
     * The file system's usable space (what this process may write) for {@code dir}, or for its
     * nearest existing ancestor when it does not exist yet.
     */
    FreeSpace SYSTEM = dir -> {
        Path p = dir.toAbsolutePath().normalize();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        return p == null ? Long.MAX_VALUE : Files.getFileStore(p).getUsableSpace();
    };
}
