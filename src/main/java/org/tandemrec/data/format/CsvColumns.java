package org.tandemrec.data.format;

import java.util.Objects;
import org.tandemrec.base.UsageException;

/**
 * Where the fields of a generic delimited file are: the delimiter, whether the first record is a
 * header, and the user, item, rating and timestamp columns, each by header name or 0-based
 * index. Rating and timestamp are optional: without a rating every interaction is implicit
 * (value 1), without a timestamp the row number is the time.
 *
 * @param delimiter the field delimiter, e.g. {@code ","}, a tab, or {@code "::"}
 * @param header whether the first record names the columns
 * @param user the user id column
 * @param item the item id column
 * @param rating the rating column, or null for implicit data
 * @param timestamp the timestamp column (integer seconds), or null to use row order
 */
public record CsvColumns(String delimiter, boolean header, Column user, Column item, Column rating, Column timestamp) {
    public CsvColumns {
        Objects.requireNonNull(delimiter, "delimiter");
        if (delimiter.isEmpty()) {
            throw new UsageException("delimiter must not be empty");
        }
        if (delimiter.contains("\"") || delimiter.contains("\n") || delimiter.contains("\r")) {
            throw new UsageException("delimiter must not contain a quote or line break, got '" + delimiter + "'");
        }
        Objects.requireNonNull(user, "user column");
        Objects.requireNonNull(item, "item column");
        if (!header) {
            requireIndex("user", user);
            requireIndex("item", item);
            requireIndex("rating", rating);
            requireIndex("timestamp", timestamp);
        }
        if (user.equals(item)) {
            throw new UsageException("user and item columns must differ, both are " + user);
        }
    }

    /** {@code user_id,item_id,rating,timestamp} with a header, comma-separated. */
    public static CsvColumns defaults() {
        return new CsvColumns(",", true, Column.of("user_id"), Column.of("item_id"), Column.of("rating"), Column.of("timestamp"));
    }

    private static void requireIndex(String what, Column c) {
        if (c != null && c.name() != null) {
            throw new UsageException(what + " column is given by name '" + c.name()
                    + "' but the file has no header: give a 0-based index");
        }
    }

    /**
     * One column, by header name or by 0-based index (exactly one of the two).
     *
     * @param name the header name, or null
     * @param index the 0-based index, or -1
     */
    public record Column(String name, int index) {
        public Column {
            if ((name == null) == (index < 0)) {
                throw new UsageException("a column is given by exactly one of name or index, got name="
                        + name + " index=" + index);
            }
            if (name != null && name.isEmpty()) {
                throw new UsageException("column name must not be empty");
            }
        }

        public static Column of(String name) {
            return new Column(name, -1);
        }

        public static Column at(int index) {
            if (index < 0) {
                throw new UsageException("column index must be >= 0, got " + index);
            }
            return new Column(null, index);
        }

        /** A 0-based index when the text is all digits, otherwise a header name. */
        public static Column parse(String spec) {
            String s = spec.trim();
            if (s.isEmpty() || !s.chars().allMatch(Character::isDigit)) {
                return of(s);
            }
            try {
                return at(Integer.parseInt(s));
            } catch (NumberFormatException e) {
                throw new UsageException("column index " + s + " is too large");
            }
        }

        @Override
        public String toString() {
            return name != null ? "'" + name + "'" : "#" + index;
        }
    }
}
