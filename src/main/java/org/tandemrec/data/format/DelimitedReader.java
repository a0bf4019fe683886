package org.tandemrec.data.format;

import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.tandemrec.base.Progress;
import org.tandemrec.base.UsageException;
import org.tandemrec.data.DataFormatException;

/**
 * Streams records of a delimited text file straight from bytes: no String per line and no
 * regular expressions, so that millions of lines load in about a second. A record is one line,
 * or with quoting (RFC 4180) several physical lines when a quoted field holds a line break.
 * Fields are byte ranges of the buffer; quoted fields are unescaped in place.
 *
 * <p>After {@link #next} has thrown a {@link DataFormatException} the reader stands after the bad
 * record, so a caller that skips bad lines simply continues.
 */
final class DelimitedReader implements Closeable {
    private static final int MIN_BUFFER = 1 << 16;
    private static final long PROGRESS_MIN_BYTES = 64L << 20;

    private static final int FIELD_START = 0;
    private static final int UNQUOTED = 1;
    private static final int QUOTED = 2;
    private static final int QUOTE_SEEN = 3;

    private final Path file;
    private final InputFile input;
    private final byte[] delim;
    private final boolean quoting;
    private final boolean trimTabs;
    private Progress progress;
    private long progressReported;

    private byte[] buf = new byte[MIN_BUFFER];
    private int pos;
    private int limit;
    private boolean eof;
    private long nextLine = 1;
    private long line;
    private int recStart;
    private int recEnd;
    private int[] starts = new int[32];
    private int[] ends = new int[32];
    private int count;

    /**
     * @param delimiter field delimiter (one or more bytes), or null to read each record as one field
     * @param quoting whether a field starting with {@code "} is quoted per RFC 4180
     */
    DelimitedReader(Path file, String delimiter, boolean quoting) throws IOException {
        this.file = file;
        this.delim = delimiter == null ? null : delimiter.getBytes(StandardCharsets.UTF_8);
        if (delim != null && delim.length == 0) {
            throw new UsageException("delimiter must not be empty");
        }
        this.quoting = quoting;
        this.trimTabs = delimiter == null || !delimiter.contains("\t");
        this.input = InputFile.open(file);
    }

    /** Shows progress over the file's bytes when the file is large enough for it to matter. */
    DelimitedReader withProgress(String task) {
        if (input.size() >= PROGRESS_MIN_BYTES) {
            progress = Progress.start(task, input.size());
        }
        return this;
    }

    Path file() {
        return file;
    }

    /** The 1-based line on which the current record starts. */
    long line() {
        return line;
    }

    int fieldCount() {
        return count;
    }

    /**
     * Runs {@code handler} on every remaining non-blank record, which it reads from this reader. A {@link DataFormatException}
     * from reading or handling a record goes to {@code bad}, which counts and skips it or
     * rethrows it, as the load options say.
     */
    void forEachRecord(BadLines bad, Runnable handler) throws IOException {
        while (true) {
            try {
                if (!next()) {
                    return;
                }
                if (isBlank()) {
                    continue;
                }
                handler.run();
            } catch (DataFormatException e) {
                bad.handle(e);
            }
        }
    }

    /**
     * Advances to the next record.
     *
     * @return false at the end of the file
     * @throws DataFormatException when the record's quoting is broken (the reader has moved past it)
     */
    boolean next() throws IOException {
        int state = FIELD_START;
        int i = pos;
        int innerNewlines = 0;
        int end;
        // Most records hold no quote: find their end with a tight loop, and run the quoting
        // state machine from the record's start only once a quote shows up.
        boolean plain = true;
        while (true) {
            end = -1;
            boolean needMore = false;
            if (plain) {
                while (i < limit) {
                    byte b = buf[i];
                    if (b == '\n') {
                        end = i;
                        break;
                    }
                    if (b == '"' && quoting) {
                        plain = false;
                        i = pos;
                        break;
                    }
                    i++;
                }
            }
            while (!plain && end < 0 && i < limit) {
                byte b = buf[i];
                if (state == QUOTED) {
                    if (b == '"') {
                        state = QUOTE_SEEN;
                    } else if (b == '\n') {
                        innerNewlines++;
                    }
                    i++;
                    continue;
                }
                if (state == QUOTE_SEEN) {
                    if (b == '"') {
                        state = QUOTED;
                        i++;
                        continue;
                    }
                    state = UNQUOTED;
                }
                if (b == '\n') {
                    end = i;
                    break;
                }
                if (quoting) {
                    if (delim != null && b == delim[0]) {
                        if (i + delim.length > limit && !eof) {
                            needMore = true;
                            break;
                        }
                        if (delimiterAt(i, limit)) {
                            i += delim.length;
                            state = FIELD_START;
                            continue;
                        }
                    }
                    state = state == FIELD_START && b == '"' ? QUOTED : UNQUOTED;
                }
                i++;
            }
            if (end >= 0) {
                break;
            }
            if (eof && !needMore) {
                if (pos == limit) {
                    return false;
                }
                end = limit;
                break;
            }
            int shift = pos;
            if (shift > 0) {
                System.arraycopy(buf, pos, buf, 0, limit - pos);
                limit -= shift;
                i -= shift;
                pos = 0;
            }
            if (limit == buf.length) {
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
            int r = input.stream().read(buf, limit, buf.length - limit);
            if (r < 0) {
                eof = true;
            } else {
                limit += r;
            }
            reportProgress();
        }
        line = nextLine;
        nextLine += 1 + innerNewlines;
        recStart = pos;
        recEnd = end;
        pos = end < limit ? end + 1 : limit;
        if (recEnd > recStart && buf[recEnd - 1] == '\r') {
            recEnd--;
        }
        if (line == 1 && recEnd - recStart >= 3 && buf[recStart] == (byte) 0xEF && buf[recStart + 1] == (byte) 0xBB
                && buf[recStart + 2] == (byte) 0xBF) {
            recStart += 3; // UTF-8 byte order mark written by some spreadsheet tools
        }
        if (state == QUOTED) {
            count = 0;
            throw problem("(record)", "quoted field is not closed before the end of the file");
        }
        split();
        return true;
    }

    private void split() {
        count = 0;
        if (delim == null) {
            addField(recStart, recEnd, true);
            return;
        }
        int i = recStart;
        while (true) {
            if (quoting && i < recEnd && buf[i] == '"') {
                int w = i;
                int r = i + 1;
                boolean closed = false;
                while (r < recEnd) {
                    byte b = buf[r];
                    if (b == '"') {
                        if (r + 1 < recEnd && buf[r + 1] == '"') {
                            buf[w++] = '"';
                            r += 2;
                        } else {
                            closed = true;
                            r++;
                            break;
                        }
                    } else {
                        buf[w++] = b;
                        r++;
                    }
                }
                if (!closed) {
                    throw problem("(record)", "quoted field " + (count + 1) + " is not closed");
                }
                addField(i, w, false);
                if (r == recEnd) {
                    return;
                }
                if (!delimiterAt(r, recEnd)) {
                    throw problem("(record)", "unexpected character after the closing quote of field " + count);
                }
                i = r + delim.length;
                continue;
            }
            int j = i;
            byte d0 = delim[0];
            while (j < recEnd && !(buf[j] == d0 && delimiterAt(j, recEnd))) {
                j++;
            }
            addField(i, j, true);
            if (j == recEnd) {
                return;
            }
            i = j + delim.length;
        }
    }

    private boolean delimiterAt(int i, int bound) {
        if (i + delim.length > bound) {
            return false;
        }
        for (int k = 0; k < delim.length; k++) {
            if (buf[i + k] != delim[k]) {
                return false;
            }
        }
        return true;
    }

    private void addField(int s, int e, boolean trim) {
        if (trim) {
            while (s < e && isPad(buf[s])) {
                s++;
            }
            while (e > s && isPad(buf[e - 1])) {
                e--;
            }
        }
        if (count == starts.length) {
            starts = Arrays.copyOf(starts, count * 2);
            ends = Arrays.copyOf(ends, count * 2);
        }
        starts[count] = s;
        ends[count] = e;
        count++;
    }

    private boolean isPad(byte b) {
        return b == ' ' || (trimTabs && b == '\t');
    }

    /** True when the record holds nothing but blanks. */
    boolean isBlank() {
        for (int i = recStart; i < recEnd; i++) {
            byte b = buf[i];
            if (b != ' ' && b != '\t') {
                return false;
            }
        }
        return true;
    }

    boolean isEmpty(int f) {
        return starts[f] == ends[f];
    }

    String text(int f, Charset charset) {
        return new String(buf, starts[f], ends[f] - starts[f], charset);
    }

    /** The buffer holding the current record's fields (valid until the next call of {@link #next}). */
    byte[] bytes() {
        return buf;
    }

    int start(int f) {
        return starts[f];
    }

    int end(int f) {
        return ends[f];
    }

    /**
     * Field f as UTF-8 text; bytes that are not UTF-8 are refused naming the field, rather than
     * read as replacement characters that would merge distinct ids and garble titles.
     */
    String utf8(int f, String field) {
        requireUtf8(f, field);
        return new String(buf, starts[f], ends[f] - starts[f], StandardCharsets.UTF_8);
    }

    /** Refuses field f unless its bytes are UTF-8, naming the field and the first bad byte. */
    void requireUtf8(int f, String field) {
        int at = FieldBytes.nonUtf8Offset(buf, starts[f], ends[f]);
        if (at >= 0) {
            throw problem(field, String.format(java.util.Locale.ROOT,
                    "not UTF-8 text (byte 0x%02X at offset %d of the field; save the file as UTF-8)",
                    buf[starts[f] + at] & 0xFF, at));
        }
    }

    /** Field f as text, UTF-8 or Latin-1 ({@link FieldBytes#utf8OrLatin1}). */
    String textUtf8OrLatin1(int f) {
        return FieldBytes.utf8OrLatin1(buf, starts[f], ends[f]);
    }

    /** True when field f holds exactly the given ASCII text. */
    boolean fieldEquals(int f, String ascii) {
        return FieldBytes.equalsAscii(buf, starts[f], ends[f], ascii);
    }

    /** The index of field f's id in the interner, adding it when new; empty ids are refused. */
    int intern(int f, RawIdInterner ids, String field) {
        if (starts[f] == ends[f]) {
            throw problem(field, "empty id");
        }
        return ids.intern(buf, starts[f], ends[f]);
    }

    /** The index of field f's id, or -1 when the interner does not know it. */
    int indexOf(int f, RawIdInterner ids) {
        return ids.indexOf(buf, starts[f], ends[f]);
    }

    /** Field f as a finite decimal number. */
    double decimal(int f, String field) {
        try {
            return FieldBytes.decimal(buf, starts[f], ends[f]);
        } catch (NumberFormatException e) {
            throw problem(field, e.getMessage());
        }
    }

    /** Field f as an integer; a decimal with a fractional part is truncated towards minus infinity. */
    long integer(int f, String field) {
        try {
            return FieldBytes.integer(buf, starts[f], ends[f]);
        } catch (NumberFormatException e) {
            throw problem(field, e.getMessage());
        }
    }

    DataFormatException problem(String field, String what) {
        return new DataFormatException(file, line, field, what);
    }

    private void reportProgress() {
        if (progress != null) {
            long p = input.position();
            progress.step(p - progressReported);
            progressReported = p;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            input.close();
        } finally {
            if (progress != null) {
                progress.close();
            }
        }
    }
}
