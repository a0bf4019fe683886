package org.tandemrec.base;

/**
 * A value the user chose is wrong: a command-line option, a setting in a settings or experiment
 * file, a field of a config record filled in from one. The message names the option or setting
 * and the value; the command line reports it in one line and exits with code 2.
 *
 * <p>It is an {@link IllegalArgumentException} so that code catching argument errors (settings
 * files collecting every problem of a section) keeps working; an {@code IllegalArgumentException}
 * that is not one of these is a fault in Tandem, not in what the user wrote.
 */
public class UsageException extends IllegalArgumentException {
    public UsageException(String message) {
        super(message);
    }

    public UsageException(String message, Throwable cause) {
        super(message, cause);
    }
}
