package org.tandemrec.base;

import java.io.IOException;

/**
 * A file or directory Tandem will not read or write in its present state, for a reason its
 * message states in one line with what to do: a run directory that did not finish, one another
 * process is writing, a model trained on other data, an output directory that cannot hold the
 * run. Not a usage error (the command line was right) and not an internal fault.
 */
public final class UnusableFileException extends IOException {
    public UnusableFileException(String message) {
        super(message);
    }
}
