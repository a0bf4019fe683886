package org.tandemrec.data.format;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.tandemrec.data.DataFormatException;
import org.tandemrec.data.IdMap;

/** Checks shared by the MovieLens directory loaders. */
final class MovieLensFiles {
    private MovieLensFiles() {
    }

    /** The file inside dir, which must exist; the message says which layout was expected. */
    static Path require(Path dir, String name, String layout) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new DataFormatException(dir, "expected a " + layout + " directory holding " + name);
        }
        Path f = dir.resolve(name);
        if (!Files.isRegularFile(f)) {
            throw new DataFormatException(dir, "no " + name + " (expected the " + layout + " layout)");
        }
        return f;
    }

    /**
     * Reads a ratings file of {@code user item rating timestamp} records; {@code bytesPerRow}
     * sizes the collector from the file's length.
     */
    static InteractionCollector.Interactions readRatings(Path file, String delimiter, int bytesPerRow,
            String fields, BadLines bad) throws IOException {
        InteractionCollector c = new InteractionCollector(InteractionCollector.expectedRows(file, bytesPerRow),
                StandardCharsets.ISO_8859_1);
        try (DelimitedReader r = new DelimitedReader(file, delimiter, false).withProgress(file.getFileName().toString())) {
            r.forEachRecord(bad, () -> {
                requireFields(r, 4, fields);
                c.add(r, 0, 1, 2, 3);
            });
        }
        return c.finish(file, bad);
    }

    /**
     * The index of a side file's record (its id in field 0), or -1 for an id without ratings. An
     * empty id is refused, and so is a second row of one id ({@link SideRowLines}), even an exact
     * repeat: GroupLens' files have one row per id, so a repeat means the file was edited or
     * concatenated.
     */
    static int sideIndex(DelimitedReader r, IdMap ids, SideRowLines lines, String what) {
        String id = r.text(0, StandardCharsets.ISO_8859_1);
        if (id.isEmpty()) {
            throw r.problem("id", "empty " + what + " id");
        }
        int idx = ids.indexOf(id);
        if (idx >= 0) {
            lines.claim(r, idx, "id", id);
        }
        return idx;
    }

    static void requireFields(DelimitedReader r, int expected, String layout) {
        if (r.fieldCount() != expected) {
            throw r.problem("(record)", "expected " + expected + " fields (" + layout + "), got " + r.fieldCount());
        }
    }
}
