package org.tandemrec.data;

import java.nio.file.Path;

/**
 * Malformed input: names the file, the 1-based line and the field so a user can find and fix
 * it. Also any other problem of a data file, model file or directory the user gave (missing,
 * incomplete, of another format or version, disagreeing with another input): the command line
 * reports it in one line and exits with code 1. Without a line, {@link #line()} is 0 and
 * {@link #field()} null; without a file (a check that cannot know it), {@link #file()} is null
 * too and the message says what it can.
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

    /** A problem of a whole file or directory, not of one line. */
    public DataFormatException(Path file, String problem) {
        this(file, problem, null);
    }

    public DataFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
        this.line = 0;
        this.field = null;
    }

    /** A problem of the input data found where its file is not known; the message says what it can. */
    public DataFormatException(String problem) {
        this(problem, (Throwable) null);
    }

    public DataFormatException(String problem, Throwable cause) {
        super(problem, cause);
        this.file = null;
        this.line = 0;
        this.field = null;
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
