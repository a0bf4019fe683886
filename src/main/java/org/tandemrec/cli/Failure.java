package org.tandemrec.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.tandemrec.base.UsageException;
import org.tandemrec.data.DataFormatException;
import org.tandemrec.train.CheckpointException;
import picocli.CommandLine;

/**
 * What a failed command tells its user: the exit code and one line without Java class names.
 *
 * <ul>
 *   <li>2, a usage error: a bad command line, or a setting or experiment value the user wrote
 *       ({@link UsageException}, picocli's {@link CommandLine.ParameterException});</li>
 *   <li>1, bad data or files: malformed data ({@link DataFormatException}), an unusable
 *       checkpoint or model file ({@link CheckpointException}), a missing or unreadable file and
 *       any other I/O error, safetensors problems included;</li>
 *   <li>3, an internal fault: anything else (an invariant broken inside Tandem, an unexpected
 *       exception), which the user should report.</li>
 * </ul>
 */
record Failure(int code, String message) {
    static final int DATA = 1;
    static final int USAGE = 2;
    static final int INTERNAL = 3;

    /** The failure {@code ex} stands for. */
    static Failure of(Throwable ex) {
        Throwable e = unwrap(ex);
        if (e instanceof UsageException || e instanceof CommandLine.ParameterException) {
            return new Failure(USAGE, messageOr(e, "invalid usage"));
        }
        if (e instanceof DataFormatException || e instanceof CheckpointException) {
            return new Failure(DATA, messageOr(e, "malformed input"));
        }
        if (e instanceof UncheckedIOException u && u.getCause() != null) {
            e = u.getCause();
        }
        if (e instanceof IOException io) {
            return new Failure(DATA, describe(io));
        }
        return new Failure(INTERNAL, "internal error: " + internalMessage(e)
                + " (a fault in Tandem; run with --debug or TANDEM_DEBUG=1 for the stack trace and report it)");
    }

    /** The exception a wrapper from a thread pool or future stands for. */
    private static Throwable unwrap(Throwable ex) {
        Throwable e = ex;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    /** An I/O error as a user reads it: the file and what went wrong with it. */
    private static String describe(IOException e) {
        if (e instanceof JsonProcessingException j) {
            return describe(j);
        }
        if (e instanceof CharacterCodingException) {
            // "Input length = 1" alone says nothing to a user.
            return "an input file is not UTF-8 text (" + messageOr(e, "undecodable bytes") + ")";
        }
        if (e instanceof FileSystemException f && f.getFile() != null) {
            String file = f.getFile() + (f.getOtherFile() == null ? "" : " -> " + f.getOtherFile());
            String what;
            if (e instanceof NoSuchFileException) {
                what = "no such file or directory";
            } else if (e instanceof AccessDeniedException) {
                what = "permission denied";
            } else if (e instanceof FileAlreadyExistsException) {
                what = "already exists";
            } else if (e instanceof DirectoryNotEmptyException) {
                what = "directory not empty";
            } else if (e instanceof NotDirectoryException) {
                what = "not a directory";
            } else {
                what = f.getReason() == null ? "input/output error" : f.getReason();
            }
            return file + ": " + what;
        }
        return messageOr(e, "input/output error");
    }

    /**
     * JSON that does not parse, from a reader that did not name its file (those that do throw
     * {@code DataFormatException} via {@code data.JsonFile}): the parser's own words and line,
     * without the source excerpt it appends on further lines.
     */
    private static String describe(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String original = e.getOriginalMessage();
        String what = original == null || original.isBlank() ? "malformed" : firstLine(original);
        return "not valid JSON: " + what + (at == null || at.getLineNr() < 1 ? "" : " (line " + at.getLineNr() + ")");
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl).strip();
    }

    private static String internalMessage(Throwable e) {
        // A helpful NullPointerException message quotes Java types and methods; --debug shows it.
        if (e instanceof NullPointerException) {
            return "a value that must be present was missing";
        }
        if (e instanceof StackOverflowError) {
            return "the call stack overflowed";
        }
        return messageOr(e, "an unexpected failure with no message");
    }

    private static String messageOr(Throwable e, String fallback) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? fallback : m;
    }
}
