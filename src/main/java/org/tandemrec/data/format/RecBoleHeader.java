package org.tandemrec.data.format;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.tandemrec.data.DataFormatException;

/**
 * The first line of a RecBole atomic file: one {@code name:type} entry per tab-separated column,
 * e.g. {@code user_id:token	item_id:token	rating:float	timestamp:float}.
 *
 * @param file the atomic file, for messages
 * @param line the header's line
 * @param fields the columns in file order
 */
record RecBoleHeader(Path file, long line, List<Field> fields) {
    /** RecBole's four feature types. */
    enum Type {
        /** One discrete value, e.g. an id or {@code age}. */
        TOKEN,
        /** Discrete values separated by spaces, e.g. a title's words or genres. */
        TOKEN_SEQ,
        /** One number, e.g. {@code rating} or {@code timestamp}. */
        FLOAT,
        /** Numbers separated by spaces, e.g. a vector. */
        FLOAT_SEQ;

        String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Type parse(String s) {
            for (Type t : values()) {
                if (t.id().equals(s)) {
                    return t;
                }
            }
            return null;
        }
    }

    /** One column: its name and type. */
    record Field(String name, Type type) {
    }

    RecBoleHeader {
        fields = List.copyOf(fields);
    }

    /** Reads the header from the reader's first non-blank record. */
    static RecBoleHeader read(DelimitedReader r) throws IOException {
        List<String> entries = SideRows.header(r);
        List<Field> fields = new ArrayList<>();
        for (String e : entries) {
            if (e.isEmpty()) {
                throw new DataFormatException(r.file(), r.line(), "(header)", "empty entry in column " + (fields.size() + 1)
                        + " (a stray tab?)");
            }
            int colon = e.indexOf(':');
            if (colon < 0 || e.indexOf(':', colon + 1) >= 0) {
                throw new DataFormatException(r.file(), r.line(), e, "expected name:type, e.g. user_id:token"
                        + (e.contains(",") ? " (atomic files are tab-separated)" : ""));
            }
            String name = e.substring(0, colon).trim();
            String typeName = e.substring(colon + 1).trim();
            if (name.isEmpty()) {
                throw new DataFormatException(r.file(), r.line(), e, "empty field name");
            }
            Type type = Type.parse(typeName);
            if (type == null) {
                throw new DataFormatException(r.file(), r.line(), name, "unknown type '" + typeName + "', expected one of "
                        + Arrays.stream(Type.values()).map(Type::id).collect(Collectors.joining(", ")));
            }
            for (Field f : fields) {
                if (f.name().equals(name)) {
                    throw new DataFormatException(r.file(), r.line(), name, "appears twice in the header");
                }
            }
            fields.add(new Field(name, type));
        }
        return new RecBoleHeader(r.file(), r.line(), fields);
    }

    int size() {
        return fields.size();
    }

    /** The column of the named field, or -1 when the file has none. */
    int indexOf(String name) {
        for (int i = 0; i < fields.size(); i++) {
            if (fields.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** The column of a field the file must have, of the given type. */
    int require(String name, Type type) {
        int i = indexOf(name);
        if (i < 0) {
            throw new DataFormatException(file, line, name, "missing: the header has "
                    + fields.stream().map(f -> f.name() + ":" + f.type().id()).collect(Collectors.joining(" ")));
        }
        return checkType(i, type);
    }

    /** The column of an optional field of the given type, or -1. */
    int optional(String name, Type type) {
        int i = indexOf(name);
        return i < 0 ? -1 : checkType(i, type);
    }

    /** The first of the named fields the file has whose type is one of {@code types}, or -1. */
    int firstOf(List<String> names, Type... types) {
        for (String n : names) {
            int i = indexOf(n);
            if (i >= 0) {
                checkType(i, types);
                return i;
            }
        }
        return -1;
    }

    /**
     * Checks the current record's numeric fields (Tandem reads few of them, but a malformed one is
     * a malformed line as it is for RecBole); an empty field is a missing value, as for RecBole.
     */
    void checkNumbers(DelimitedReader r) {
        int n = Math.min(r.fieldCount(), fields.size());
        for (int i = 0; i < n; i++) {
            Field f = fields.get(i);
            if (f.type() == Type.FLOAT && !r.isEmpty(i)) {
                r.decimal(i, f.name());
            } else if (f.type() == Type.FLOAT_SEQ && !r.isEmpty(i)) {
                for (String v : SideRows.text(r, i, f.name()).split(" ")) {
                    if (v.isEmpty()) {
                        continue;
                    }
                    try {
                        if (!Double.isFinite(Double.parseDouble(v))) {
                            throw r.problem(f.name(), "expected finite numbers, got '" + v + "'");
                        }
                    } catch (NumberFormatException e) {
                        throw r.problem(f.name(), "expected space-separated numbers, got '" + v + "'");
                    }
                }
            }
        }
    }

    Type type(int column) {
        return fields.get(column).type();
    }

    String name(int column) {
        return fields.get(column).name();
    }

    private int checkType(int i, Type... allowed) {
        Field f = fields.get(i);
        if (!Arrays.asList(allowed).contains(f.type())) {
            throw new DataFormatException(file, line, f.name(), "type " + f.type().id() + " where "
                    + Arrays.stream(allowed).map(Type::id).collect(Collectors.joining(" or ")) + " is expected");
        }
        return i;
    }
}
