package org.tandemrec.base;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** Whole-directory operations the run and scratch directories need. */
public final class Directories {
    private Directories() {
    }

    /** Bytes of the regular files in {@code root} and below it (a file: its size; absent: 0). */
    public static long size(Path root) throws IOException {
        if (!Files.exists(root)) {
            return 0;
        }
        try (var files = Files.walk(root)) {
            long n = 0;
            for (Path f : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(f)) {
                    n += Files.size(f);
                }
            }
            return n;
        }
    }

    /** Deletes {@code root} and everything below it; nothing happens when it does not exist. */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
