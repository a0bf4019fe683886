package org.tandemrec.data.format;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.tandemrec.data.DataFormatException;
import org.tandemrec.data.IdMap;

/**
 * Reads the rows of a delimited item or user side file, one row per id, into the entries of the
 * ids the interactions indexed. Rows of ids that no interaction has are dropped and counted. A
 * second row of one id is malformed ({@link SideRowLines}), even when it repeats the first
 * exactly: CSV and RecBole side files come from the user's own export or conversion, where a
 * repeated row means a join or concatenation went wrong, and the same mistake may have repeated
 * interactions too. Text is UTF-8; other bytes are refused naming the field. A row is turned into
 * its entry before its id is looked up, so a bad row never leaves a half-filled entry behind.
 */
final class SideRows {
    private SideRows() {
    }

    /** Makes the entry of the reader's current record. */
    interface Entry<T> {
        T of(DelimitedReader r);
    }

    /** The names of the first non-blank record, the header; an empty file is an error naming it. */
    static List<String> header(DelimitedReader r) throws IOException {
        do {
            if (!r.next()) {
                throw new DataFormatException(r.file(), "empty file, expected a header line");
            }
        } while (r.isBlank());
        List<String> names = new ArrayList<>();
        for (int f = 0; f < r.fieldCount(); f++) {
            names.add(r.utf8(f, "(header)"));
        }
        return names;
    }

    /**
     * Field f of the current record as UTF-8 text, "" when the record ends before it (or f < 0);
     * bytes that are not UTF-8 are refused naming the field as {@code name}.
     */
    static String text(DelimitedReader r, int f, String name) {
        return f < 0 || f >= r.fieldCount() ? "" : r.utf8(f, name);
    }

    /**
     * Reads the remaining records into {@code out}, whose index is that of {@code ids}.
     *
     * @param columns the header's column count: a record with more fields is malformed (a stray
     *     delimiter would shift every later field); one with fewer has its last fields empty
     * @param idField the id's field
     * @param idName the id's column name, for messages
     * @return the rows dropped because no interaction has their id
     */
    static <T> long read(DelimitedReader r, BadLines bad, int columns, int idField, String idName, IdMap ids,
            List<T> out, Entry<T> entry) throws IOException {
        SideRowLines lines = new SideRowLines(ids);
        long[] dropped = {0};
        r.forEachRecord(bad, () -> {
            if (r.fieldCount() > columns) {
                throw r.problem("(record)", "expected at most " + columns + " fields as in the header, got "
                        + r.fieldCount());
            }
            if (idField >= r.fieldCount() || r.isEmpty(idField)) {
                throw r.problem(idName, "empty id");
            }
            T e = entry.of(r);
            String id = r.utf8(idField, idName);
            int idx = ids.indexOf(id);
            if (idx < 0) {
                dropped[0]++;
                return;
            }
            lines.claim(r, idx, idName, id);
            out.set(idx, e);
        });
        return dropped[0];
    }
}
