package org.tandemrec.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks shared by the MovieLens directory loaders. */
final class MovieLensFiles {
    private MovieLensFiles() {
    }

    /** The file inside dir, which must exist; the message says which layout was expected. */
    static Path require(Path dir, String name, String layout) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + ": expected a " + layout + " directory holding " + name);
        }
        Path f = dir.resolve(name);
        if (!Files.isRegularFile(f)) {
            throw new IllegalArgumentException(dir + ": no " + name + " (expected the " + layout + " layout)");
        }
        return f;
    }

    static void requireFields(DelimitedReader r, int expected, String layout) {
        if (r.fieldCount() != expected) {
            throw r.problem("(record)", "expected " + expected + " fields (" + layout + "), got " + r.fieldCount());
        }
    }
}
