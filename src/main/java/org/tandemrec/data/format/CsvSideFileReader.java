package org.tandemrec.data.format;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tandemrec.data.DataFormatException;
import org.tandemrec.data.IdMap;
import org.tandemrec.data.ItemInfo;
import org.tandemrec.data.UserProfile;

/**
 * Reads the item and user side files of the CSV format ({@link CsvSideFiles}) into the side
 * information of the loaded ids. The files are delimited and quoted like the interactions file
 * and select their columns by header name.
 */
final class CsvSideFileReader {
    /** Separates several categories in one {@code categories} field, as MovieLens genres. */
    static final String CATEGORY_SEPARATOR = "|";

    private CsvSideFileReader() {
    }

    /**
     * Fills {@code info} from the items file.
     *
     * @return rows of items that no interaction has
     */
    static long readItems(Path file, String delimiter, String idColumn, IdMap items, List<ItemInfo> info, BadLines bad)
            throws IOException {
        try (DelimitedReader r = open(file, delimiter, "items")) {
            List<String> header = SideRows.header(r);
            int id = column(r, header, idColumn, "item id");
            int title = header.indexOf("title");
            int categories = header.indexOf("categories");
            int description = header.indexOf("description");
            if (title < 0 && categories < 0 && description < 0) {
                throw new DataFormatException(file, "no title, categories or description column in the header "
                        + header);
            }
            return SideRows.read(r, bad, header.size(), id, idColumn, items, info,
                    rec -> new ItemInfo(SideRows.text(rec, title, "title"),
                            categories(SideRows.text(rec, categories, "categories")),
                            SideRows.text(rec, description, "description")));
        }
    }

    /**
     * Fills {@code profiles} from the users file: every column but the id is a profile field;
     * empty values are left out, so they read as missing.
     *
     * @return rows of users that no interaction has
     */
    static long readUsers(Path file, String delimiter, String idColumn, IdMap users, List<UserProfile> profiles,
            BadLines bad) throws IOException {
        try (DelimitedReader r = open(file, delimiter, "users")) {
            List<String> header = SideRows.header(r);
            int id = column(r, header, idColumn, "user id");
            if (header.size() < 2) {
                throw new DataFormatException(file, "no profile column besides '" + idColumn + "' in the header "
                        + header);
            }
            return SideRows.read(r, bad, header.size(), id, idColumn, users, profiles, rec -> {
                Map<String, String> fields = new LinkedHashMap<>();
                for (int f = 0; f < header.size(); f++) {
                    String v = SideRows.text(rec, f, header.get(f));
                    if (f != id && !v.isEmpty()) {
                        fields.put(header.get(f), v);
                    }
                }
                return new UserProfile(fields);
            });
        }
    }

    private static DelimitedReader open(Path file, String delimiter, String what) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new DataFormatException(file, "no such " + what + " side file");
        }
        return new DelimitedReader(file, delimiter, true);
    }

    /** The column's index; a missing or repeated header name is an error naming the file. */
    private static int column(DelimitedReader r, List<String> header, String name, String what) {
        Set<String> seen = new HashSet<>();
        for (String h : header) {
            if (!h.isEmpty() && !seen.add(h)) {
                throw new DataFormatException(r.file(), "column '" + h + "' appears twice in the header " + header);
            }
        }
        int i = header.indexOf(name);
        if (i < 0) {
            throw new DataFormatException(r.file(), "no " + what + " column '" + name + "' in the header " + header);
        }
        return i;
    }

    private static List<String> categories(String field) {
        List<String> out = new ArrayList<>();
        int start = 0;
        while (start <= field.length()) {
            int end = field.indexOf(CATEGORY_SEPARATOR, start);
            if (end < 0) {
                end = field.length();
            }
            String c = field.substring(start, end).trim();
            if (!c.isEmpty() && !out.contains(c)) {
                out.add(c);
            }
            start = end + CATEGORY_SEPARATOR.length();
        }
        return out;
    }
}
