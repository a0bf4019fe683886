package org.tandemrec.data.format;

import org.tandemrec.data.IdMap;

/**
 * The line of each id's row in an item or user side file (MovieLens, CSV, RecBole, Amazon
 * metadata), so that a second row of one id is refused naming the id and both lines: kept, it
 * would silently replace the first, and which of two rows is right only the user can say.
 *
 * <p>Only ids the interactions index are tracked. A row of an id without interactions is dropped
 * unread, so its repeats cannot change what is loaded, and remembering every dropped id would
 * hold all the ids of a metadata dump (millions for Amazon) where a k-core subset keeps few.
 */
final class SideRowLines {
    private final long[] first;

    /** For the side rows of the ids of {@code ids}. */
    SideRowLines(IdMap ids) {
        first = new long[ids.size()];
    }

    /** Whether index {@code idx} already has its row. */
    boolean has(int idx) {
        return first[idx] > 0;
    }

    /**
     * Takes the reader's current record as the row of index {@code idx}, whose id {@code id} is
     * in field {@code field}; a second row of it is refused with the line of the first.
     */
    void claim(DelimitedReader r, int idx, String field, String id) {
        if (first[idx] > 0) {
            throw r.problem(field, "duplicate id '" + id + "' (first on line " + first[idx] + ")");
        }
        first[idx] = r.line();
    }
}
