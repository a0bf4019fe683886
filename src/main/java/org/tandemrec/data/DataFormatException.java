package org.tandemrec.data;

import java.nio.file.Path;

/**
 * Malformed input: names the file, the 1-based line and the field so a user can find and fix
 * it.
 */
public final class DataFormatException extends RuntimeException {
    private final transient Path file;
    private final long line;
    private final String field;

    public DataFormatException(Path file, long line, String field, String problem) {
        super(file + ":" + line + ": field '" + field + "': " + problem);
        this.file = file;
        this.line = line;
        this.field = field;
    }

    public Path file() {
        return file;
    }

    public long line() {
        return line;
    }

    public String field() {
        return field;
    }
}
