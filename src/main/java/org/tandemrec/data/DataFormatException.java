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

    /**
     * A file whose problem has no line: a JSON document ({@code config.json}, an adapter's
     * settings) where the message names the field itself.
     */
    public DataFormatException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
        this.line = 0;
        this.field = "";
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
